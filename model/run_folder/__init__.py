"""The run folder: the one place that writes it, replaces it, and reads it back.

`run` and `rerun` write a new folder (write.py); `report` and `mtfp` add files to one, and
every write is swapped in atomically (replace.py); `compare`, `report`, `mtfp` and `rerun`
read one (read.py). A run folder lists what the tool wrote in it (`.birthbudget-files`):
`--force` replaces a folder only when it is a run folder holding nothing else, so the tool
never deletes what it did not write.
"""

from model.run_folder.manifest import (
    DIGEST_KEY,
    MANIFEST,
    MANIFEST_KEYS,
    manifest_digest,
    read_manifest,
)
from model.run_folder.read import (
    BUDGET_COLUMNS,
    RunFolder,
    load_run,
    read_csv,
    read_replicates,
    run_tables,
)
from model.run_folder.replace import (
    LEDGER,
    add_files,
    check_output_file,
    check_output_folder,
    foreign_files,
    recover,
    write_file,
    write_new,
)

__all__ = ["BUDGET_COLUMNS", "DIGEST_KEY", "LEDGER", "MANIFEST", "MANIFEST_KEYS", "RunFolder", "add_files",
           "check_output_file", "check_output_folder", "foreign_files", "load_run", "manifest_digest", "read_csv",
           "read_manifest", "read_replicates", "recover", "run_tables", "write_file", "write_new"]
