package dev.procpool.api;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.HttpMessageNotWritableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@link PoolRequests.Map} bodies with {@link MapRequestReader}, ahead of Spring's Jackson
 * converter; writes nothing. Errors are the ones Spring's converter raises for the same body.
 */
final class MapRequestConverter extends AbstractHttpMessageConverter<PoolRequests.Map> {

    private final JsonMapper mapper;

    MapRequestConverter(JsonMapper mapper) {
        super(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));
        this.mapper = mapper;
    }

    @Override
    protected boolean supports(Class<?> type) {
        return type == PoolRequests.Map.class;
    }

    @Override
    public boolean canWrite(Class<?> type, MediaType mediaType) {
        return false;
    }

    @Override
    protected PoolRequests.Map readInternal(Class<? extends PoolRequests.Map> type, HttpInputMessage input) throws IOException {
        byte[] body;
        try {
            long declared = input.getHeaders().getContentLength();
            body = declared >= 0 && declared <= Integer.MAX_VALUE - 8
                    ? input.getBody().readNBytes((int) declared)
                    : input.getBody().readAllBytes();
        } catch (RequestSizeFilter.RequestTooLargeException e) {
            throw new HttpMessageNotReadableException(e.getMessage(), e, input);
        }
        MediaType contentType = input.getHeaders().getContentType();
        Charset charset = contentType == null ? null : contentType.getCharset();
        if (charset != null && !charset.equals(StandardCharsets.UTF_8)) {
            body = new String(body, charset).getBytes(StandardCharsets.UTF_8);
        }
        try {
            return MapRequestReader.read(body, mapper);
        } catch (JacksonException e) {
            throw new HttpMessageNotReadableException("JSON parse error: " + e.getOriginalMessage(), e, input);
        }
    }

    @Override
    protected void writeInternal(PoolRequests.Map map, HttpOutputMessage output) throws HttpMessageNotWritableException {
        throw new HttpMessageNotWritableException("a map request is never written");
    }
}
