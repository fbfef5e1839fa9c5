package dev.graft.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The self-contained page of {@code graft serve} ({@code page.html}) and the style it shares
 * with {@link PredictionPage} ({@code style.css}), read from the jar's resources.
 */
final class Page {
    private static volatile String html;

    private Page() {}

    static String html() {
        if (html == null) html = resource("page.html").replace("/*STYLE*/", style());
        return html;
    }

    static String style() {
        return resource("style.css");
    }

    private static String resource(String name) {
        try (InputStream in = Page.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
