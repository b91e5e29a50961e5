#!/usr/bin/env python3
"""Fails unless every module's integration suite ran: each listed module must have failsafe reports with
at least one test, and no integration test may be skipped, failed or in error. Prints a closing line
'N passed, N failed, N skipped' over all surefire and failsafe reports."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Modules whose integration tests (real models, photos and servers) must run in CI.
REQUIRED_IT_MODULES = ["onnx-embedder", "milvus-store", "redis-idmap", "opencv-decoder", "simd-jpeg-decoder", "duplicate-verifier",
                       "server", "spring-boot-starter",
                       "cli", "examples", "spark"]


def totals(pattern):
    t = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    skipped = []
    for f in glob.glob(pattern):
        root = ET.parse(f).getroot()
        for k in t:
            t[k] += int(root.get(k, "0"))
        for case in root.iter("testcase"):
            if case.find("skipped") is not None:
                skipped.append(f"{case.get('classname')}.{case.get('name')}")
    return t, skipped


def main():
    problems = []
    grand = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for kind, sub in (("unit", "surefire-reports"), ("integration", "failsafe-reports")):
        for module in sorted(glob.glob(os.path.join(ROOT, "*", "pom.xml"))):
            mod = os.path.basename(os.path.dirname(module))
            t, skipped = totals(os.path.join(ROOT, mod, "target", sub, "TEST-*.xml"))
            for k in grand:
                grand[k] += t[k]
            if t["tests"]:
                print(f"  {kind:11s} {mod:14s} tests={t['tests']} failures={t['failures']} "
                      f"errors={t['errors']} skipped={t['skipped']}")
            if kind == "integration":
                if mod in REQUIRED_IT_MODULES and t["tests"] == 0:
                    problems.append(f"{mod}: no integration test ran (servers, models or photos missing?)")
                for s in skipped:
                    problems.append(f"{mod}: integration test skipped: {s}")
            if t["failures"] or t["errors"]:
                problems.append(f"{mod}: {t['failures']} failures, {t['errors']} errors in {kind} tests")
    passed = grand["tests"] - grand["failures"] - grand["errors"] - grand["skipped"]
    for p in problems:
        print("check_test_reports: " + p, file=sys.stderr)
    print(f"{passed} passed, {grand['failures'] + grand['errors']} failed, {grand['skipped']} skipped")
    return 1 if problems or grand["tests"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
