package dev.tollgate.gateway.journal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.jboss.logging.Logger;

/**
 * Unmaps a segment when it is deleted, through {@code sun.misc.Unsafe#invokeCleaner} (module {@code jdk.unsupported},
 * open to every module on JDK 17 without any flag; Netty and Lucene do the same).
 *
 * <p>Why: Java has no public unmap. Left to the garbage collector, a deleted segment's mapping lives until its
 * buffer is collected, and a buffer that lived for seconds sits in the old generation until a full collection, which
 * a healthy gateway may not see for hours. Until then the deleted file still takes its space on the volume: at a
 * segment every few seconds under load, gigabytes. Where the call is not available the mapping is left to the
 * collector, and that is logged once.
 */
final class Unmapper {

    private static final Logger LOG = Logger.getLogger(Unmapper.class);
    private static final MethodHandle INVOKE_CLEANER = lookup();

    private Unmapper() {
    }

    /** Unmaps {@code buffer} at once. Any later access to it would crash the JVM: the caller guarantees none. */
    static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (Throwable e) {
            LOG.warnf("event=journal_unmap_failed reason=%s", e.toString());
        }
    }

    private static MethodHandle lookup() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            MethodHandle cleaner = MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class));
            return cleaner.bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("event=journal_unmap_unavailable reason=%s effect=deleted segments keep their space until "
                    + "a full garbage collection", e.toString());
            return null;
        }
    }
}
