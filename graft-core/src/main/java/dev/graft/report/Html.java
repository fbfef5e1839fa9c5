package dev.graft.report;

import java.util.Base64;
import java.util.Locale;

/** Small HTML and number-formatting helpers for {@link HtmlReport}. */
final class Html {
    private Html() {}

    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String img(byte[] png, String alt) {
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\" alt=\"" + esc(alt) + "\">";
    }

    static String figure(byte[] png, String alt, String caption) {
        return "<figure>" + img(png, alt)
                + (caption == null ? "" : "<figcaption>" + esc(caption) + "</figcaption>")
                + "</figure>\n";
    }

    static String card(String label, String value) {
        return "<div class=\"card\"><div class=\"label\">" + esc(label)
                + "</div><div class=\"value\">" + esc(value) + "</div></div>";
    }

    static String pct(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String lr(double v) {
        if (Double.isNaN(v)) return "–";
        if (v == 0) return "0";
        // 0.001 and 1e-05 read better than 0.00100 and 1.00e-05
        String s = new java.math.BigDecimal(v).round(new java.math.MathContext(3))
                .stripTrailingZeros().toPlainString();
        return s.length() <= 8 ? s : String.format(Locale.ROOT, "%.3g", v).replaceAll("\\.?0+e", "e");
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds)) return "–";
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    static String count(long n) {
        if (n < 0) return "–";
        if (n >= 1_000_000) return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        if (n >= 10_000) return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        return Long.toString(n);
    }

    static final String CSS = """
        :root { --fg:#1f2328; --muted:#59636e; --border:#d1d9e0; --soft:#f6f8fa;
          --accent:#0969da; --good:#1a7f37; --bad:#cf222e; }
        * { box-sizing: border-box; }
        body { margin:0; color:var(--fg); background:#fff;
          font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
        main { max-width:1120px; margin:0 auto; padding:36px 28px 80px; }
        header { border-bottom:1px solid var(--border); padding-bottom:16px; }
        h1 { font-size:28px; margin:0 0 4px; letter-spacing:-.01em; }
        .sub { color:var(--muted); margin:0; }
        nav { margin-top:14px; display:flex; flex-wrap:wrap; gap:6px 8px; }
        nav a { color:var(--accent); text-decoration:none; font-size:13px; padding:3px 10px;
          border:1px solid var(--border); border-radius:999px; background:var(--soft); }
        nav a:hover { border-color:var(--accent); }
        section { margin-top:40px; }
        h2 { font-size:20px; margin:0 0 14px; padding-bottom:6px; border-bottom:1px solid var(--border); }
        h3 { font-size:15px; margin:22px 0 8px; color:var(--muted); font-weight:600; }
        p.note { color:var(--muted); font-size:14px; margin:6px 0 12px; }
        .cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(128px,1fr)); gap:12px; }
        .card { border:1px solid var(--border); border-radius:10px; padding:12px 16px; background:#fff; }
        .card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.05em; }
        .card .value { font-size:18px; font-weight:600; margin-top:2px; overflow-wrap:anywhere; }
        table { border-collapse:collapse; font-size:14px; margin:4px 0 8px; }
        .wide { overflow-x:auto; max-width:100%; }
        table.fit { width:100%; table-layout:fixed; font-size:13px; }
        table.fit th, table.fit td { padding:4px 6px; overflow-wrap:anywhere; white-space:normal; }
        ul.warnings { margin:0; padding:10px 12px 10px 32px; border:1px solid var(--bad); border-radius:8px; color:var(--bad); }
        th, td { border:1px solid var(--border); padding:5px 12px; text-align:left; vertical-align:top; }
        th { background:var(--soft); font-weight:600; }
        td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
        tr.total td { font-weight:600; background:var(--soft); }
        tr.best td { font-weight:600; }
        td.key { color:var(--muted); white-space:nowrap; }
        td code, td.mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px; }
        .scroll { max-height:460px; overflow:auto; border-radius:6px; display:inline-block; max-width:100%; }
        .figs { display:grid; grid-template-columns:repeat(auto-fit,minmax(560px,1fr)); gap:16px; }
        figure { margin:0; }
        img { max-width:100%; height:auto; border:1px solid var(--border); border-radius:8px; display:block; }
        figcaption { color:var(--muted); font-size:13px; margin-top:6px; }
        .good { color:var(--good); } .bad { color:var(--bad); }
        footer { margin-top:56px; color:var(--muted); font-size:12px; }
        """;
}
