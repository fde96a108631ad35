#!/usr/bin/env python3
"""Parses a Prometheus text exposition with the reference parser (prometheus_client) and prints
one line per sample: "name{label=value,...} value", sorted; exits 1 if the text does not parse.
Usage: prometheus_parse.py file"""
import sys
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
lines = []
try:
    for family in text_string_to_metric_families(text):
        lines.append("# %s %s" % (family.name, family.type))
        for s in family.samples:
            labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
            lines.append("%s{%s} %r" % (s.name, labels, s.value))
except Exception as e:
    print("FAILED: %s" % e)
    sys.exit(1)
print("\n".join(sorted(lines)))
print("ALL OK")
