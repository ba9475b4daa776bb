{{/* {model}-{environment}: the name of every resource and the endpoint's id in the registry. */}}
{{- define "vllm-model.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Values.model.name .Values.environment | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The model name clients send and vLLM serves. */}}
{{- define "vllm-model.servedName" -}}
{{- .Values.model.servedName | default .Values.model.name -}}
{{- end -}}

{{- define "vllm-model.selectorLabels" -}}
app.kubernetes.io/name: vllm-model
app.kubernetes.io/instance: {{ include "vllm-model.fullname" . }}
{{- end -}}

{{- define "vllm-model.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "vllm-model.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: inference
app.kubernetes.io/part-of: tollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
tollgate.dev/model: {{ .Values.model.name }}
tollgate.dev/environment: {{ .Values.environment }}
{{- end -}}

{{/* The endpoint's base URL as the gateway reaches it: the Service's root (the gateway adds /v1). */}}
{{- define "vllm-model.baseUrl" -}}
{{- printf "http://%s.%s.svc.%s:%d" (include "vllm-model.fullname" .) .Release.Namespace .Values.clusterDomain (int .Values.service.port) -}}
{{- end -}}

{{/* Environment of the registration hooks: where the admin API is and how to call it. */}}
{{- define "vllm-model.hookEnv" -}}
- name: GATEWAY_URL
  value: {{ .Values.registration.gatewayUrl | quote }}
- name: ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.registration.adminToken.existingSecret }}
      key: {{ .Values.registration.adminToken.key }}
- name: ENDPOINT_ID
  value: {{ include "vllm-model.fullname" . | quote }}
{{- end -}}

{{/* The security settings every hook container runs with; curl's image runs as its own user 100. */}}
{{- define "vllm-model.hookPodSecurity" -}}
runAsNonRoot: true
runAsUser: 100
runAsGroup: 101
seccompProfile:
  type: RuntimeDefault
{{- end -}}
{{- define "vllm-model.hookContainerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}
