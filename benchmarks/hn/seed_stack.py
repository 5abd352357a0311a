"""The seed guide's own model on our benchmark split, for benchmarks/hn.sh.

As the Dagster guide does it: TfidfVectorizer() with its defaults fitted on the training titles,
XGBRegressor(objective="reg:squarederror", eval_metric=mean_absolute_error, n_estimators=20) on raw
comment counts. The split is not the guide's unseeded train_test_split: it is the one
DigitForge.HnBench wrote (train-ids.txt, test-ids.txt), so both stacks see the same stories.

Usage: seed_stack.py <snapshot.csv.gz> <folder with the id files>; writes seed.json there.
"""
import csv
import gzip
import json
import sys
import time

import numpy as np
import xgboost as xg
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score


def read_ids(path):
    with open(path, encoding="utf-8") as f:
        return [int(line) for line in f if line.strip()]


def main(snapshot, folder):
    started = time.monotonic()
    with gzip.open(snapshot, "rt", encoding="utf-8", newline="") as f:
        stories = {int(row["id"]): row for row in csv.DictReader(f)}
    train = [stories[i] for i in read_ids(f"{folder}/train-ids.txt")]
    test = [stories[i] for i in read_ids(f"{folder}/test-ids.txt")]

    vectorizer = TfidfVectorizer()
    x_train = vectorizer.fit_transform([s["title"] for s in train]).toarray()
    x_test = vectorizer.transform([s["title"] for s in test])
    y_train = np.array([float(s["comments"]) for s in train])
    y_test = np.array([float(s["comments"]) for s in test])

    model = xg.XGBRegressor(objective="reg:squarederror", eval_metric=mean_absolute_error, n_estimators=20)
    model.fit(x_train, y_train)
    predicted = model.predict(x_test)

    seconds = time.monotonic() - started
    result = {
        "r2": float(model.score(x_test, y_test)),
        "r2Check": float(r2_score(y_test, predicted)),
        "mae": float(mean_absolute_error(y_test, predicted)),
        "rmse": float(np.sqrt(mean_squared_error(y_test, predicted))),
        "spearman": float(spearmanr(y_test, predicted).correlation),
        "features": int(x_train.shape[1]),
        "seconds": seconds,
        "xgboost": xg.__version__,
    }
    with open(f"{folder}/seed.json", "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
