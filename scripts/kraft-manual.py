#!/usr/bin/env python3
"""Writes kraft's man page (roff, section 1) from the command's own description.

Usage: kraft --experimental-dump-help | python3 scripts/kraft-manual.py > kraft.1

The input is swift-argument-parser's ToolInfo JSON (what its generate-manual plugin reads),
so the page says exactly what `kraft help <command>` says: every command, its arguments and
options, nested commands as sections. The plugin itself would build a second copy of kraft,
which an installation has no need for.
"""
import json
import sys


def escape(text):
    """Roff-safe text: backslashes doubled, a leading dot or quote neutralised per line."""
    lines = []
    for line in (text or "").replace("\\", "\\e").splitlines():
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def flag_names(argument):
    names = []
    for name in argument.get("names", []):
        dash = "-" if name["kind"] in ("short", "longWithSingleDash") else "--"
        names.append(dash + name["name"])
    return ", ".join(names)


def argument_item(argument):
    if argument["kind"] == "positional":
        label = "<" + argument.get("valueName", "value") + ">"
        if argument.get("isRepeating"):
            label += " ..."
    else:
        label = flag_names(argument)
        if argument["kind"] == "option":
            label += " <" + argument.get("valueName", "value") + ">"
    lines = [".TP", "\\fB" + escape(label) + "\\fR"]
    text = argument.get("abstract", "")
    if argument.get("defaultValue") is not None and argument["kind"] == "option":
        text += " (default: " + str(argument["defaultValue"]) + ")"
    if argument.get("allValues"):
        text += " Values: " + ", ".join(argument["allValues"]) + "."
    lines.append(escape(text.strip()) or "\\&")
    return lines


def section(command, path, out):
    title = " ".join(path)
    out.append(".SH " + ('"' + title.upper() + '"' if len(path) > 1 else "SYNOPSIS"))
    arguments = [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)]
    synopsis = "\\fB" + title + "\\fR"
    if command.get("subcommands"):
        synopsis += " \\fIcommand\\fR"
    if any(a["kind"] != "positional" for a in arguments):
        synopsis += " [\\fIoptions\\fR]"
    for argument in arguments:
        if argument["kind"] == "positional":
            name = "<" + argument.get("valueName", "value") + ">"
            synopsis += " " + (("[" + name + "]") if argument.get("isOptional") else name)
    out += [".PP", synopsis]
    if len(path) > 1 and command.get("abstract"):
        out += [".PP", escape(command["abstract"])]
    if command.get("discussion"):
        for paragraph in command["discussion"].split("\n\n"):
            out += [".PP", ".nf" if "\n" in paragraph else ".fi", escape(paragraph), ".fi"]
    for argument in arguments:
        out += argument_item(argument)
    for sub in command.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            section(sub, path + [sub["commandName"]], out)


def main():
    info = json.load(sys.stdin)
    root = info["command"]
    name = root["commandName"]
    out = [
        '.TH "%s" "1" "" "%s" "User Commands"' % (name.upper(), name),
        ".SH NAME",
        name + " \\- " + escape(root.get("abstract", "")),
    ]
    section(root, [name], out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
