"""Reads SASS on stdin and fails if ptxas serialized the warpgroup products.

A kernel whose products stay asynchronous has one WARPGROUP.DEPBAR per
product group (8 or more HGMMA each); a serialized one has one after every
HGMMA. Prints the counts for FileCheck.
"""
import sys

sass = sys.stdin.read()
hgmma = sass.count("HGMMA.")
depbar = sass.count("WARPGROUP.DEPBAR")
print(f"HGMMA {hgmma} DEPBAR {depbar}")
if hgmma == 0 or depbar * 8 > hgmma:
    print("serialized: more than one WARPGROUP.DEPBAR per 8 HGMMA")
    sys.exit(1)
