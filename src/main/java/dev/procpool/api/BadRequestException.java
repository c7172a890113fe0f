package dev.procpool.api;

/** A request value the API itself rejects (a bad query parameter, a missing field), naming the field. */
final class BadRequestException extends RuntimeException {

    private final String field;

    BadRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
