package dev.moat.scan.report;

import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.VulnerabilityClass;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The scan report as JUnit XML, for CI systems that show test results: a test suite per vulnerability class
 * tested, a failed test case per finding, and one passing case for a class that found nothing.
 */
public final class ScanJunitReport {

  private ScanJunitReport() {}

  public static byte[] toBytes(ScanReport report, List<VulnerabilityClass> tested) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "moat scan " + clean(report.target()));
      xml.writeAttribute("tests", Integer.toString(cases(report, tested)));
      xml.writeAttribute("failures", Integer.toString(report.findings().size()));
      xml.writeAttribute("time", seconds(report));
      for (VulnerabilityClass c : tested) {
        List<Finding> found = report.findings().stream().filter(f -> f.type() == c).toList();
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", c.id());
        xml.writeAttribute("tests", Integer.toString(Math.max(1, found.size())));
        xml.writeAttribute("failures", Integer.toString(found.size()));
        if (found.isEmpty()) {
          xml.writeCharacters("\n    ");
          xml.writeEmptyElement("testcase");
          xml.writeAttribute("classname", "moat.scan." + c.id());
          xml.writeAttribute("name", "no " + c.title() + " found on " + clean(report.target()));
        }
        for (Finding f : found) {
          xml.writeCharacters("\n    ");
          xml.writeStartElement("testcase");
          xml.writeAttribute("classname", "moat.scan." + c.id());
          xml.writeAttribute("name", clean(f.method() + " " + f.url() + (f.parameter() == null ? "" : " [" + f.parameter() + "]")));
          xml.writeStartElement("failure");
          xml.writeAttribute("type", f.severity().name().toLowerCase(Locale.ROOT));
          xml.writeAttribute("message", clean(f.title()));
          xml.writeCharacters(clean("Payload: " + f.testMethod().payload() + "\nDetection: " + f.testMethod().detection() + "\nRemediation: "
              + f.remediation() + "\n\n" + f.evidence().request() + "\n\n" + f.evidence().response()));
          xml.writeEndElement();
          xml.writeEndElement();
        }
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
      }
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write JUnit XML", e);
    }
    return out.toByteArray();
  }

  private static int cases(ScanReport report, List<VulnerabilityClass> tested) {
    int n = 0;
    for (VulnerabilityClass c : tested) {
      n += Math.max(1, (int) report.findings().stream().filter(f -> f.type() == c).count());
    }
    return n;
  }

  private static String seconds(ScanReport report) {
    return String.format(Locale.ROOT, "%.3f", Duration.between(report.started(), report.finished()).toMillis() / 1000.0);
  }

  /** XML 1.0 cannot carry most control characters, even escaped: they become U+FFFD. */
  static String clean(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      boolean allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
      sb.appendCodePoint(allowed ? cp : 0xFFFD);
    });
    return sb.toString();
  }
}
