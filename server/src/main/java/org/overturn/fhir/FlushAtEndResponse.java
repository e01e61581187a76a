package org.overturn.fhir;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;

/**
 * A response whose body reaches the socket when the container's buffer is full or the response ends, not whenever
 * the writer is flushed. HAPI's JSON encoder writes booleans and numbers through Jackson's ObjectMapper, which flushes
 * after every value it writes; each flush sent a chunk of a few bytes to the socket, so the CapabilityStatement left in
 * over a thousand chunks. Nothing under /fhir streams: every answer is complete when it is written.
 */
final class FlushAtEndResponse extends HttpServletResponseWrapper {
    private @Nullable PrintWriter writer;
    private @Nullable ServletOutputStream stream;

    FlushAtEndResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(new FilterWriter(super.getWriter()) {
                @Override
                public void flush() {
                    // the container's buffer goes out when it is full or the response ends
                }
            });
        }
        return writer;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            ServletOutputStream body = super.getOutputStream();
            stream = new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    body.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    body.write(bytes, offset, length);
                }

                @Override
                public void flush() {
                    // as for the writer
                }

                @Override
                public void close() throws IOException {
                    body.close();
                }

                @Override
                public boolean isReady() {
                    return body.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    body.setWriteListener(listener);
                }
            };
        }
        return stream;
    }
}
