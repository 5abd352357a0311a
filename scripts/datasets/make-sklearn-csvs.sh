#!/usr/bin/env bash
# Rebuilds configs/wine/wine.csv and configs/diabetes/diabetes.csv from the data files Debian's
# python3-sklearn package ships (sklearn/datasets/data), with a header row and named classes.
# Needs apt-get (no root: apt-get download) and dpkg-deb; prints each CSV's SHA-256 for pipeline.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && apt-get download python3-sklearn >/dev/null)
dpkg-deb -x "$work"/python3-sklearn_*.deb "$work/x"
data="$(echo "$work"/x/usr/lib/python3/dist-packages/sklearn/datasets/data)"

# wine_data.csv: a "178,13,class_0,class_1,class_2" line, then 13 measurements and the class index per row.
{
  echo "alcohol,malic_acid,ash,alcalinity_of_ash,magnesium,total_phenols,flavanoids,nonflavanoid_phenols,proanthocyanins,color_intensity,hue,od280_od315,proline,cultivar"
  tail -n +2 "$data/wine_data.csv" | tr -d '\r' | awk -F, 'BEGIN { OFS = "," } { $14 = "class_" $14; print }'
} > "$root/configs/wine/wine.csv"

# diabetes: ten space-separated baseline variables (sex coded 1/2) and, in a second file, the
# disease progression one year later, one value per line in scientific notation.
{
  echo "age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu,progression"
  paste -d' ' <(zcat "$data/diabetes_data_raw.csv.gz") <(zcat "$data/diabetes_target.csv.gz" | awk '{ printf "%d\n", $1 }') \
    | awk 'BEGIN { OFS = "," } NF == 11 { $2 = ($2 == 1 ? "sex1" : "sex2"); $1 = $1; print }'
} > "$root/configs/diabetes/diabetes.csv"

sha256sum "$root/configs/wine/wine.csv" "$root/configs/diabetes/diabetes.csv"
