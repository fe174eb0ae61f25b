package org.ferrymq.protocol.codec;

import jakarta.jms.DeliveryMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ferrymq.api.journal.ChunkedBody;
import org.ferrymq.api.journal.MessageContent;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;

/**
 * A {@link MessageData} as the journal SPI's {@link MessageContent}, and back: the same values,
 * nothing copied, destinations and body types spelled as the journal writes them.
 */
public final class MessageContents {

    private MessageContents() {
    }

    /** The content a journal stores of {@code data}. */
    public static MessageContent of(MessageData data) {
        return new MessageContent(data.messageId(), data.timestamp(), data.correlationId(),
                data.correlationIdIsBytes() && data.correlationId() != null, kind(data.destination()),
                data.destination() == null ? null : data.destination().name(), kind(data.replyTo()),
                data.replyTo() == null ? null : data.replyTo().name(), data.type(), data.priority(),
                data.expiration(), data.deliveryTime(), data.properties(), data.bodyType().name(),
                data.body() instanceof LargeBody large ? new ChunkedBody(large.bodyId(), large.size()) : data.body());
    }

    /**
     * The persistent message a stored content describes.
     *
     * @throws CodecException when the content names a body type or destination kind there is
     *     none of, or its body is not what its body type holds
     */
    public static MessageData toMessageData(MessageContent content) throws CodecException {
        MessageData.BodyType bodyType = bodyType(content.bodyType());
        checkBody(bodyType, content.body());
        return MessageData.builder(bodyType)
                .messageId(content.messageId())
                .timestamp(content.timestamp())
                .correlationId(content.correlationId(), content.correlationIdIsBytes())
                .destination(destination(content.destinationKind(), content.destinationName()))
                .replyTo(content.replyToKind() == null ? null
                        : destination(content.replyToKind(), content.replyToName()))
                .deliveryMode(DeliveryMode.PERSISTENT)
                .type(content.type())
                .expiration(content.expiration())
                .deliveryTime(content.deliveryTime())
                .priority(content.priority())
                .properties(content.properties())
                .body(content.body() instanceof ChunkedBody chunked
                        ? new LargeBody(chunked.messageNo(), chunked.size()) : content.body())
                .build();
    }

    /** How a destination kind is written: queue, topic, temp_queue, temp_topic; null for no destination. */
    public static String kind(DestinationName destination) {
        return destination == null ? null : destination.kind().name().toLowerCase(Locale.ROOT);
    }

    private static DestinationName destination(String kind, String name) throws CodecException {
        if (kind == null || name == null) {
            throw new CodecException("a destination needs a kind and a name, not " + kind + " and " + name);
        }
        for (DestinationName.Kind k : DestinationName.Kind.values()) {
            if (k.name().equalsIgnoreCase(kind)) {
                return new DestinationName(k, name);
            }
        }
        throw new CodecException("unknown destination kind '" + kind + "'");
    }

    private static MessageData.BodyType bodyType(String name) throws CodecException {
        for (MessageData.BodyType type : MessageData.BodyType.values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new CodecException("unknown body type '" + name + "'");
    }

    private static void checkBody(MessageData.BodyType bodyType, Object body) throws CodecException {
        if (body == null) {
            return;
        }
        if (body instanceof ChunkedBody && bodyType == MessageData.BodyType.BYTES) {
            return;
        }
        boolean fits = switch (bodyType) {
            case MESSAGE -> false;
            case TEXT -> body instanceof String;
            case BYTES, OBJECT -> body instanceof byte[];
            case MAP -> body instanceof Map<?, ?>;
            case STREAM -> body instanceof List<?>;
        };
        if (!fits) {
            throw new CodecException("a " + bodyType + " message cannot have a body of type " + body.getClass().getName());
        }
    }
}
