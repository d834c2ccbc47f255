#!/usr/bin/env python3
"""Checks the Kraftfile corpus against both validators: the JSON Schema (Kraftfile.schema,
draft 2020-12, with python's jsonschema) and kraft's own parser (`kraft validate`).

Each corpus file states what it expects on its leading comment lines:
    # expect: valid
    # expect: error LINE:COL message text
A file passes when the schema and kraft agree with each other and with that expectation, and,
for invalid files, when kraft reports every expected error at its position. Exits non-zero
on any disagreement; the last line printed is "N passed, N failed".

kraft is taken from $KRAFT_BIN, or .build/debug/kraft (build it first: swift build).
YAML is read with the YAML 1.2 core schema (as editors and kraft do: `yes` is a string,
`true` a boolean) and duplicate keys are refused, as kraft refuses them (except in `kconfig`
blocks, where kraft warns and the later value wins).
"""
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "kraftfiles")
SCHEMA = os.path.join(ROOT, "Kraftfile.schema")


class CoreSchemaLoader(yaml.SafeLoader):
    """PyYAML resolves YAML 1.1 types (`yes` is a boolean); editors and kraft use 1.2."""


CoreSchemaLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    CoreSchemaLoader.add_implicit_resolver(
        "tag:yaml.org,2002:" + tag, re.compile(pattern), list(first))


def construct_mapping_without_duplicates(loader, node, deep=False):
    keys = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        # A `kconfig` block may repeat an option (the later value wins, with a warning), as
        # Unikraft reads it; no other map may repeat a key.
        if key == "kconfig" and isinstance(value_node, yaml.MappingNode):
            value_node.allows_duplicates = True
        if key in keys and not getattr(node, "allows_duplicates", False):
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        keys.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


CoreSchemaLoader.add_constructor(
    "tag:yaml.org,2002:map",
    lambda loader, node: dict(construct_mapping_without_duplicates(loader, node, deep=True)))


def expectations(text):
    """('valid', []) or ('invalid', [(line, col, message), ...]) from the leading comments."""
    errors = []
    valid = False
    for line in text.splitlines():
        match = re.match(r"#\s*expect:\s*(.*)$", line)
        if not match:
            continue
        what = match.group(1).strip()
        if what == "valid":
            valid = True
            continue
        error = re.match(r"error\s+(\d+):(\d+)\s+(.*)$", what)
        if not error:
            raise SystemExit(f"unreadable expectation: {line!r}")
        errors.append((int(error.group(1)), int(error.group(2)), error.group(3)))
    if valid == bool(errors):
        raise SystemExit("each corpus file needs '# expect: valid' or '# expect: error ...' lines")
    return ("valid" if valid else "invalid"), errors


def schema_verdict(validator, text):
    try:
        document = yaml.load(text, Loader=CoreSchemaLoader)
    except yaml.YAMLError as error:
        return "invalid", f"YAML: {str(error).splitlines()[0]}"
    problems = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if problems:
        first = problems[0]
        where = "/".join(str(part) for part in first.path) or "(root)"
        return "invalid", f"{where}: {first.message[:120]}"
    return "valid", ""


def kraft_verdict(kraft, path):
    environment = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    environment["NO_COLOR"] = "1"
    run = subprocess.run(
        [kraft, "validate", "-K", path, "--output", "json"],
        capture_output=True, text=True, env=environment, timeout=30)
    if run.returncode == 0:
        try:
            json.loads(run.stdout)
        except ValueError:
            return "crashed", f"'kraft validate --output json' printed no JSON: {run.stdout[:200]!r}"
        return "valid", ""
    if run.returncode == 65:
        return "invalid", run.stderr
    return "crashed", f"exit {run.returncode}: {run.stderr.strip()}"


def main():
    kraft = os.environ.get("KRAFT_BIN") or os.path.join(ROOT, ".build", "debug", "kraft")
    if not os.access(kraft, os.X_OK):
        print(f"kraft binary '{kraft}' not found; run 'swift build' or set KRAFT_BIN")
        print("0 passed, 1 failed")
        return 1
    with open(SCHEMA) as file:
        schema = json.load(file)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    passed = failed = 0
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith((".yaml", ".yml")))
    for name in names:
        path = os.path.join(CORPUS, name)
        with open(path) as file:
            text = file.read()
        expected, errors = expectations(text)
        schema_result, schema_detail = schema_verdict(validator, text)
        kraft_result, kraft_detail = kraft_verdict(kraft, path)
        reasons = []
        if schema_result != expected:
            reasons.append(f"schema says {schema_result} {schema_detail}".strip())
        if kraft_result != expected:
            reasons.append(f"kraft says {kraft_result}: {kraft_detail.strip()[:300]}")
        missing = [
            f"{line}:{column}: {message}" for line, column, message in errors
            if kraft_result == "invalid" and not any(
                reported.startswith(f"{path}:{line}:{column}: error: ") and message in reported
                for reported in kraft_detail.splitlines())]
        if missing:
            reasons.append("kraft did not report " + "; ".join(missing) + ". It said:\n"
                           + kraft_detail.strip())
        if reasons:
            failed += 1
            print(f"FAIL {name} (expected {expected})")
            for reason in reasons:
                print("    " + reason.replace("\n", "\n    "))
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
