"""Prints the Hacker News benchmark side by side: the seed's stack, ours and the two baselines.

Reads ours.json (DigitForge.HnBench) and, when present, seed.json (seed_stack.py) from the folder given.
Standard library only, so it also runs when scikit-learn and XGBoost are not installed.
"""
import json
import os
import sys


def row(name, m):
    def fmt(value, digits):
        return "n/a" if value is None else f"{value:.{digits}f}"
    return f"| {name} | {fmt(m.get('r2'), 3)} | {fmt(m['mae'], 2)} | {fmt(m['rmse'], 2)} | {fmt(m.get('spearman'), 3)} |"


def main(folder):
    with open(os.path.join(folder, "ours.json"), encoding="utf-8") as f:
        ours = json.load(f)
    seed_path = os.path.join(folder, "seed.json")
    seed = None
    if os.path.exists(seed_path):
        with open(seed_path, encoding="utf-8") as f:
            seed = json.load(f)

    recipe = ours["recipe"]["train"]
    print(f"Same split: {ours['trainStories']} training and {ours['testStories']} test stories (seeded shuffle, seed 42).")
    print("Metrics on comment counts of the test split.\n")
    print("| predictor | R² | MAE | RMSE | Spearman |")
    print("|---|---|---|---|---|")
    if seed is not None:
        print(row(f"seed stack (TfidfVectorizer + XGBRegressor, 20 trees, raw counts; {seed['features']} features)", seed))
    print(row(f"DigitForge (FastTree, {recipe['trees']} trees, target {recipe['target']}, center {recipe['center']}; {ours['features']} features)", ours["model"]))
    print(row(f"training mean ({ours['meanBaseline']['prediction']:.2f})", ours["meanBaseline"]["count"]))
    print(row(f"training median ({ours['medianBaseline']['prediction']:.2f})", ours["medianBaseline"]["count"]))
    print(f"\nOurs: featurize {ours['featurizeSeconds']:.1f} s wall, train {ours['trainSeconds']:.1f} s wall ({ours['trainCpuSeconds']:.1f} s CPU).")
    if seed is not None:
        print(f"Seed stack: {seed['seconds']:.1f} s (wall, vectorize + fit + predict), XGBoost {seed['xgboost']}.")


if __name__ == "__main__":
    main(sys.argv[1])
