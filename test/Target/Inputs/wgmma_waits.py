"""Reads SASS on stdin and fails if ptxas serialized the warpgroup products.

A kernel whose products stay asynchronous has one WARPGROUP.DEPBAR per
product group (4 or more HGMMA each: Q.K^T at D = 64 is the smallest); a
serialized one has one after every HGMMA. Prints the counts for FileCheck.
"""
import sys

sass = sys.stdin.read()
hgmma = sass.count("HGMMA.")
depbar = sass.count("WARPGROUP.DEPBAR")
print(f"HGMMA {hgmma} DEPBAR {depbar}")
if hgmma == 0 or depbar * 4 > hgmma:
    print("serialized: more than one WARPGROUP.DEPBAR per 4 HGMMA")
    sys.exit(1)
