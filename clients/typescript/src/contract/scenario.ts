/**
 * The language-neutral parts of the contract suite (tests/contract/README.md): variable
 * expansion, dotted paths into protobuf JSON, and the text form values are compared in.
 * Kept free of I/O so the unit tests can pin them to the Python runner's behaviour.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** A scenario did not go as scenarios.json says. */
export class ScenarioFailed extends Error {
  override name = "ScenarioFailed";
}

const VARIABLE = /\$\{([A-Za-z0-9_]+)\}/g;

/** Replaces ${name} in every string (keys included); an unknown name fails the scenario. */
export function expand(value: JsonValue, variables: ReadonlyMap<string, string>): JsonValue {
  if (typeof value === "string") {
    return value.replace(VARIABLE, (_match, name: string) => {
      const found = variables.get(name);
      if (found === undefined) {
        throw new ScenarioFailed(`unknown variable \${${name}}`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item) => expand(item, variables));
  }
  if (isObject(value)) {
    const expanded: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      expanded[asString(expand(key, variables), "key")] = expand(item, variables);
    }
    return expanded;
  }
  return value;
}

/**
 * The value at a dotted path of proto field names, e.g. "order.spec.quantity"; a number
 * picks an item of a repeated field, e.g. "positions.0.quantity".
 */
export function atPath(document: JsonValue, path: string): JsonValue {
  let current = document;
  for (const part of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(part) && Number(part) < current.length) {
      current = current[Number(part)] as JsonValue;
    } else if (isObject(current) && part in current) {
      current = current[part] as JsonValue;
    } else {
      throw new ScenarioFailed(`response has no field '${path}'`);
    }
  }
  return current;
}

/** Values compare as text: strings as they are, booleans true/false, numbers in decimal. */
export function asText(value: JsonValue): string {
  if (typeof value === "string") {
    return value;
  }
  if (value === null || typeof value !== "object") {
    return String(value);
  }
  return JSON.stringify(value);
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a field of a scenario or step that must be an object. */
export function objectAt(parent: JsonObject, key: string, fallback?: JsonObject): JsonObject {
  const value = parent[key];
  if (value === undefined && fallback !== undefined) {
    return fallback;
  }
  if (!isObject(value)) {
    throw new ScenarioFailed(`'${key}' must be an object`);
  }
  return value;
}

/** Reads a field of a scenario or step that must be an array. */
export function arrayAt(parent: JsonObject, key: string): JsonValue[] {
  const value = parent[key];
  if (!Array.isArray(value)) {
    throw new ScenarioFailed(`'${key}' must be a list`);
  }
  return value;
}

export function asString(value: JsonValue | undefined, what: string): string {
  if (typeof value !== "string") {
    throw new ScenarioFailed(`${what} must be a string, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** An integer given as a JSON number or as text (e.g. an expanded "${head}"). */
export function asInteger(value: JsonValue | undefined, what: string): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) {
    throw new ScenarioFailed(`${what} must be an integer, not ${JSON.stringify(value)}`);
  }
  return number;
}
