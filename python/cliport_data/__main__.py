"""`python -m cliport_data` (or `cliport-data`): info and check of a dataset from Python."""

import argparse
import sys

from .check import check as run_check
from .reader import DatasetError, open as open_dataset


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cliport-data", description="cliport datasets from Python.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="episodes, steps, tasks and cameras of a dataset")
    p.add_argument("path")
    p = sub.add_parser("check", help="the data contract's checks (as `cliport dataset check`)")
    p.add_argument("path")
    p.add_argument("--deep", action="store_true", help="also read every stored byte (checksums)")
    p = sub.add_parser("robomimic", help="write a robomimic view (virtual datasets: depth with a channel axis, "
                                         "next_obs, padded object poses) of one or more datasets")
    p.add_argument("paths", nargs="+", help="dataset folders, shards or merged indexes (several tasks may share a view)")
    p.add_argument("--out", required=True, help="the view's .hdf5 file (keep it beside or above the shards)")
    p = sub.add_parser("lerobot", help="export to LeRobot's dataset format through LeRobot's own API")
    p.add_argument("paths", nargs="+", help="dataset folders, shards or merged indexes")
    p.add_argument("--out", required=True, help="the LeRobot dataset folder to create (must not exist)")
    p.add_argument("--repo-id", default=None, help="LeRobot's repo_id (default: cliport/<folder name of --out>)")
    args = parser.parse_args(argv)
    try:
        if args.command == "info":
            ds = open_dataset(args.path)
            steps = sum(e.num_steps for e in ds)
            print(f"dataset   {args.path}: {len(ds.shards)} shard(s), {len(ds)} episodes, {steps} steps")
            print(f"tasks     {', '.join(ds.tasks)}")
            print(f"cameras   {', '.join(ds.header.camera_names)}")
            return 0
        if args.command == "robomimic":
            from .robomimic import write_view
            episodes, steps = write_view(args.paths, args.out)
            print(f"wrote {args.out}: {episodes} episodes, {steps} steps (virtual datasets over the shards)")
            return 0
        if args.command == "lerobot":
            from .lerobot import export
            result = export(args.paths, args.out, repo_id=args.repo_id)
            print(f"wrote {args.out}: {result['episodes']} episodes, {result['frames']} frames (LeRobot {result['lerobot_version']})")
            return 0
        problems = run_check(args.path, deep=args.deep)
        for file, text in problems:
            print(f"{file}: {text}")
        print("ok" if not problems else f"{len(problems)} problem(s)")
        return 0 if not problems else 1
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
