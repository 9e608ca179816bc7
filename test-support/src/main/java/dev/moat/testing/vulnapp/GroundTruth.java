package dev.moat.testing.vulnapp;

import dev.moat.scan.VulnerabilityClass;

/**
 * One endpoint parameter of the vulnerable app and whether it is vulnerable to a class: a vulnerable endpoint
 * must be found, its safe twin must never be flagged.
 *
 * @param type the class
 * @param method HTTP method
 * @param path the path (template as in the app's OpenAPI document, e.g. {@code /api/items/{id}})
 * @param parameter the parameter name, or null for path-level findings (directory enumeration, PoC)
 * @param vulnerable true for the vulnerable endpoint, false for its safe twin
 */
public record GroundTruth(VulnerabilityClass type, String method, String path, String parameter, boolean vulnerable) {}
