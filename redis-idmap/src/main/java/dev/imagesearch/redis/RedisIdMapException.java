package dev.imagesearch.redis;

import dev.imagesearch.error.BackendException;

/**
 * A Redis id map could not be opened or used: the server is unreachable, refused the credentials, speaks another
 * protocol (TLS mismatch), or the key space holds data that is not an imagesearch id map. The message says which
 * server, namespace and operation, and what to check.
 */
public class RedisIdMapException extends BackendException {

    private static final long serialVersionUID = 1L;

    public RedisIdMapException(String message, Throwable cause) {
        super(message, cause);
    }

    public RedisIdMapException(String message) {
        super(message);
    }
}
