"""Write the first N records of FASTQ.gz files, read one after the other, to stdout: the read
pairs salmon_library_type maps (R1 and R2 files cut at the same record keep the pairs).

    python scripts/fastq_head.py N R1.fastq.gz [R1 ...]
"""

import gzip
import sys


def main(n_records: int, paths: list[str]) -> None:
    lines = 4 * n_records
    out = sys.stdout.buffer
    for path in paths:
        with gzip.open(path, "rb") as fh:
            for line in fh:
                if lines == 0:
                    return
                out.write(line)
                lines -= 1


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
