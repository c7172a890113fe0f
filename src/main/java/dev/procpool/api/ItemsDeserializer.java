package dev.procpool.api;

import dev.procpool.pool.Items;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/** Reads a request's {@code iterable} as {@link Items}: the elements' JSON text, not a tree of nodes. */
class ItemsDeserializer extends ValueDeserializer<Items> {

    @Override
    public Items deserialize(JsonParser p, DeserializationContext ctxt) {
        return Items.read(p);
    }
}
