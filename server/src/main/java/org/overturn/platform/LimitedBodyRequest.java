package org.overturn.platform;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A request whose body may not exceed a limit, even when sent without a Content-Length (chunked): reading past it
 * throws the edge's own "too large" exception, which its error mapping turns into 413.
 */
public final class LimitedBodyRequest extends HttpServletRequestWrapper {
    private final long limit;
    private final Supplier<? extends RuntimeException> tooLarge;

    public LimitedBodyRequest(HttpServletRequest request, long limit, Supplier<? extends RuntimeException> tooLarge) {
        super(request);
        this.limit = limit;
        this.tooLarge = tooLarge;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        ServletInputStream in = super.getInputStream();
        return new ServletInputStream() {
            private long read;

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0 && ++read > limit) {
                    throw tooLarge.get();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = in.read(buf, off, len);
                if (n > 0 && (read += n) > limit) {
                    throw tooLarge.get();
                }
                return n;
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        };
    }
}
