{{/* The chart's name, or nameOverride. */}}
{{- define "streams.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The resources' name: fullnameOverride, else the release name when it contains the chart's name, else both. */}}
{{- define "streams.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "streams.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Selector labels: stable for the life of the release. */}}
{{- define "streams.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streams.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Kubernetes recommended labels. */}}
{{- define "streams.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "streams.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: streams
app.kubernetes.io/part-of: tollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
tollgate.dev/environment: {{ .Values.environment }}
{{- end -}}

{{- define "streams.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "streams.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "streams.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* The headless Service that gives each instance a stable DNS name for application.server. */}}
{{- define "streams.headlessName" -}}
{{- printf "%s-headless" (include "streams.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Kafka Streams pass-through settings as JVM system properties (kafka-streams.*). */}}
{{- define "streams.javaToolOptions" -}}
{{- $props := list .Values.jvmOptions (printf "-Dkafka-streams.state.dir=%s" "/var/lib/tollgate/streams") (printf "-Dkafka-streams.num.standby.replicas=%d" (int .Values.standbyReplicas)) -}}
{{- range $key, $value := .Values.kafkaStreams -}}
{{- $props = append $props (printf "-Dkafka-streams.%s=%s" $key (toString $value)) -}}
{{- end -}}
{{- join " " $props -}}
{{- end -}}
