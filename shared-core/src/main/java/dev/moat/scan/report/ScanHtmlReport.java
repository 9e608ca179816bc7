package dev.moat.scan.report;

import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The scan report as one self-contained HTML page (no external resource, so it opens from a CI artifact): a
 * table sortable by any column — severity by rank — and a finding's evidence and remediation on click. Every
 * string from the target or the payloads is HTML-escaped: the report must not execute what it reports.
 */
public final class ScanHtmlReport {

  private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
      + "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}"
      + "th{cursor:pointer;background:#f4f4f4;user-select:none}tr.f{cursor:pointer}tr.f:hover{background:#f8f8ff}"
      + "tr.d{display:none}tr.d.open{display:table-row}pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.6em;max-height:30em;overflow:auto}"
      + ".s{font-weight:bold;border-radius:3px;padding:0 .4em;color:#fff}.critical{background:#7b0000}.high{background:#c62828}"
      + ".medium{background:#ef6c00}.low{background:#1565c0}.info{background:#607d8b}code{word-break:break-all}";

  private static final String SCRIPT = "document.querySelectorAll('tr.f').forEach(r=>r.addEventListener('click',()=>"
      + "r.nextElementSibling.classList.toggle('open')));"
      + "document.querySelectorAll('th').forEach((h,i)=>h.addEventListener('click',()=>{const t=document.querySelector('tbody');"
      + "const pairs=[...t.querySelectorAll('tr.f')].map(r=>[r,r.nextElementSibling]);const asc=h.dataset.asc!=='1';h.dataset.asc=asc?'1':'0';"
      + "const key=r=>{const c=r.children[i];return c.dataset.rank!==undefined?Number(c.dataset.rank):c.textContent.toLowerCase();};"
      + "pairs.sort((a,b)=>{const x=key(a[0]),y=key(b[0]);return (x<y?-1:x>y?1:0)*(asc?1:-1);});pairs.forEach(p=>{t.appendChild(p[0]);t.appendChild(p[1]);});}));";

  private ScanHtmlReport() {}

  public static byte[] toBytes(ScanReport report) {
    StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">")
        .append("<title>Moat scan: ").append(escape(report.target())).append("</title><style>").append(STYLE).append("</style></head><body>\n")
        .append("<h1>Moat scan: ").append(escape(report.target())).append("</h1>\n<p>").append(escape(ScanMarkdownReport.counted(report)))
        .append(". Engine ").append(escape(report.engine())).append(", ").append(escape(report.started().toString())).append(" – ")
        .append(escape(report.finished().toString())).append(".</p>\n");
    h.append("<table><thead><tr><th>Severity</th><th>Type</th><th>Method</th><th>URL</th><th>Parameter</th><th>Confidence</th><th>Test method</th>")
        .append("</tr></thead><tbody>\n");
    for (Finding f : report.findings()) {
      String severity = f.severity().name().toLowerCase(Locale.ROOT);
      h.append("<tr class=\"f\"><td data-rank=\"").append(f.severity().ordinal()).append("\"><span class=\"s ").append(severity).append("\">")
          .append(severity).append("</span></td><td>").append(escape(f.type().id())).append(" (CWE-").append(f.cwe()).append(")</td><td>")
          .append(escape(f.method())).append("</td><td><code>").append(escape(f.url())).append("</code></td><td>")
          .append(f.parameter() == null ? "" : "<code>" + escape(f.parameter()) + "</code>"
              + (f.location() == null ? "" : " (" + escape(f.location().name().toLowerCase(Locale.ROOT)) + ")"))
          .append("</td><td data-rank=\"").append(f.confidence().ordinal()).append("\">").append(f.confidence().name().toLowerCase(Locale.ROOT))
          .append("</td><td>").append(escape(f.testMethod().detection())).append("</td></tr>\n");
      h.append("<tr class=\"d\"><td colspan=\"7\"><p><b>").append(escape(f.title())).append("</b></p><p>Payload: <code>")
          .append(escape(f.testMethod().payload())).append("</code></p><p>Remediation: ").append(escape(f.remediation()))
          .append("</p><p>Request</p><pre>").append(escape(f.evidence().request())).append("</pre><p>Response</p><pre>")
          .append(escape(f.evidence().response())).append("</pre></td></tr>\n");
    }
    h.append("</tbody></table>\n");
    if (report.findings().isEmpty()) {
      h.append("<p>No findings.</p>\n");
    }
    if (!report.notes().isEmpty()) {
      h.append("<h2>Notes</h2><ul>\n");
      report.notes().forEach(n -> h.append("<li>").append(escape(n)).append("</li>\n"));
      h.append("</ul>\n");
    }
    h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    return h.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c < 0x20 && c != '\n' && c != '\r' && c != '\t' ? '\uFFFD' : c);
      }
    }
    return sb.toString();
  }
}
