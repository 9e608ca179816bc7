package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.XXE;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.EntityResolver;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * XML external entities under {@code /xxe/}, each with a safe twin under {@code /xxe/safe-} that disables DTDs
 * ({@code disallow-doctype-decl}): an order that echoes an element (found in band and out of band), a blind import
 * that echoes nothing (out of band only), and a feed whose parser refuses external general entities but still loads
 * external parameter entities and DTDs (the parameter-entity payloads find it).
 *
 * <p>The vulnerable parsers are the JDK's with entity expansion on, but their {@link EntityResolver} fetches external
 * entities itself through {@link LoopbackFetcher} and hands the parser an empty document for anything else, so the
 * parser never opens a URL or a file on its own: nothing leaves the machine and no local file is read.
 */
public final class XxeRoutes implements VulnerableRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a route's parser is configured. */
  private enum Parser { FULL, NO_GENERAL_ENTITIES, NO_DTD }

  @Override
  public void register(AppRoutes routes) {
    route(routes, "order", "order", "item", "book", Parser.FULL, doc -> AppResponse.text("ordered " + text(doc, "item")));
    route(routes, "import", "import", "name", "contacts", Parser.FULL, doc -> AppResponse.of(202, "text/plain; charset=utf-8", "accepted"));
    route(routes, "feed", "feed", "title", "news", Parser.NO_GENERAL_ENTITIES, doc -> AppResponse.text("feed " + text(doc, "title") + " saved"));
  }

  @FunctionalInterface
  private interface Answer {
    AppResponse to(Document document);
  }

  private static void route(AppRoutes routes, String name, String root, String element, String example, Parser parser, Answer answer) {
    for (String path : new String[] {"/xxe/" + name, "/xxe/safe-" + name}) {
      boolean vulnerable = !path.contains("/safe-");
      Parser used = vulnerable ? parser : Parser.NO_DTD;
      routes.handle("POST", path, req -> {
        Document doc;
        try {
          doc = builder(used).parse(new ByteArrayInputStream(req.body()));
        } catch (SAXException e) {
          return AppResponse.status(400, "malformed XML");
        }
        return answer.to(doc);
      }).operation("POST", path, operation(path, root, element, example));
      if (vulnerable) {
        routes.vulnerable(XXE, "POST", path, null);
      } else {
        routes.safe(XXE, "POST", path, null);
      }
    }
  }

  private static DocumentBuilder builder(Parser parser) throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setExpandEntityReferences(true);
    if (parser == Parser.NO_DTD) {
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setExpandEntityReferences(false);
    } else if (parser == Parser.NO_GENERAL_ENTITIES) {
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    }
    DocumentBuilder builder = factory.newDocumentBuilder();
    builder.setEntityResolver(XxeRoutes::resolve);
    builder.setErrorHandler(new DefaultHandler()); // fatal errors throw, nothing is printed
    return builder;
  }

  /** Every external entity goes through here: fetched when it is an {@code http://127.0.0.1} URL, empty otherwise. */
  private static InputSource resolve(String publicId, String systemId) {
    byte[] content;
    try {
      content = LoopbackFetcher.fetch(systemId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      content = null;
    }
    InputSource source = new InputSource(new ByteArrayInputStream(content == null ? new byte[0] : content));
    source.setSystemId(systemId);
    return source;
  }

  private static String text(Document doc, String element) {
    Node n = doc.getElementsByTagName(element).item(0);
    return n == null ? "" : n.getTextContent();
  }

  /** An operation with an {@code application/xml} body: {@code <root><element>example</element></root>}. */
  private static String operation(String path, String root, String element, String example) {
    ObjectNode op = JSON.createObjectNode();
    op.put("operationId", OperationJson.idFor(path));
    ObjectNode schema = op.putObject("requestBody").put("required", true).putObject("content").putObject("application/xml").putObject("schema");
    schema.put("type", "object").putObject("xml").put("name", root);
    schema.putArray("required").add(element);
    schema.putObject("properties").putObject(element).put("type", "string").put("example", example);
    op.putObject("responses").putObject("200").put("description", "OK");
    return op.toString();
  }
}
