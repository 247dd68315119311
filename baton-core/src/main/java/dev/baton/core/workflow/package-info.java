/**
 * The workflow model (records), its YAML/JSON parser and its validator. Depends on Jackson (the JSON/YAML
 * boundary), the expression package and the JDK only.
 */
package dev.baton.core.workflow;
