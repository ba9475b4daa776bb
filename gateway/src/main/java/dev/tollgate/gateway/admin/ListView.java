package dev.tollgate.gateway.admin;

import java.util.List;

/**
 * A list answer in the OpenAI shape {@code {"object":"list","data":[...]}}.
 *
 * @param object always {@code list}
 * @param data   the items
 * @param <T>    the item view
 */
public record ListView<T>(String object, List<T> data) {

    public static <T> ListView<T> of(List<T> data) {
        return new ListView<>("list", data);
    }
}
