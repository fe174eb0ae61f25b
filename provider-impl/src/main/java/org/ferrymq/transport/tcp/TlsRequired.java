package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a TLS listener's connection: a client that opens with the plain FerryMQ
 * hello is told, in plain text it can read, that this server takes only TLS, and is closed;
 * anything else gets the TLS handler in this one's place (the bytes read so far go on to it),
 * and a TLS handshake that fails (no client certificate, say) is logged with the client's address.
 * So a client that forgot {@code ssl=true} hears why it is refused, and nothing it sends
 * reaches the broker unencrypted.
 */
final class TlsRequired extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(TlsRequired.class);

    private final ServerTlsContext context;

    TlsRequired(ServerTlsContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < Handshake.MAGIC.length) {
            return;
        }
        if (Handshake.startsWithMagic(in)) {
            in.skipBytes(in.readableBytes());
            LOG.info("Refused a connection from {}: it did not use TLS", ctx.channel().remoteAddress());
            ctx.writeAndFlush(Handshake.refuse(ctx.alloc(), Handshake.REFUSED, "This FerryMQ server takes only TLS "
                    + "connections on this port; connect with ssl=true (README, section TLS)"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        SslHandler tls = context.current().newHandler(ctx.alloc());
        Object client = ctx.channel().remoteAddress();
        tls.handshakeFuture().addListener(done -> {
            if (!done.isSuccess()) {
                LOG.info("Refused a connection from {}: its TLS handshake failed: {}", client, done.cause().getMessage());
            }
        });
        ctx.pipeline().replace(this, "tls", tls);
    }
}
