package dev.tollgate.gateway.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an admin call's path says about the change: the collection ({@code keys}), the resource id, and the action.
 * {@code POST /admin/v1/keys} creates, {@code POST /admin/v1/keys/k1/revoke} revokes k1, {@code DELETE
 * /admin/v1/endpoints/e1} deletes e1, {@code PUT}/{@code PATCH} update; a nested collection
 * ({@code /admin/v1/datasets/d1/examples}) is an action on its parent. A gateway policy is named by its scope and id
 * ({@code PUT /admin/v1/policies/org/acme} updates {@code org/acme}).
 *
 * @param resourceType the collection under {@code /admin/v1/}
 * @param resourceId   the id in the path, or null
 * @param action       create, update, delete or the last path segment
 */
record AuditedCall(String resourceType, String resourceId, String action) {

    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Collections whose resources are named by two path segments. */
    private static final Set<String> TWO_SEGMENT_IDS = Set.of("policies");

    /** Whether a call with this method changes state and so is audited. */
    static boolean changes(String method) {
        return CHANGES.contains(method);
    }

    static AuditedCall of(String method, String path) {
        List<String> segments = new ArrayList<>(List.of(path.replaceAll("^/+|/+$", "").split("/+")));
        if (segments.size() > 4 && TWO_SEGMENT_IDS.contains(segments.get(2))) {
            segments.set(3, segments.get(3) + "/" + segments.remove(4));
        }
        // admin, v1, collection, id?, action...
        String type = segments.size() > 2 ? segments.get(2) : "admin";
        String id = segments.size() > 3 ? segments.get(3) : null;
        String action;
        if (segments.size() > 4) {
            action = String.join("/", segments.subList(4, segments.size()));
        } else {
            action = switch (method) {
                case "DELETE" -> "delete";
                case "PUT", "PATCH" -> "update";
                default -> id == null ? "create" : id; // POST /admin/v1/secrets/rewrap: the action is the segment
            };
            if ("POST".equals(method) && id != null && segments.size() == 4) {
                id = null;
            }
        }
        return new AuditedCall(type, id, action);
    }
}
