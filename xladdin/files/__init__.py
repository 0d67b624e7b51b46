"""File I/O around the workbook: safe writes (temp file and rename, never overwrite), reading export tables,
applying imports, next year's workbook from last year's, loading any evaluation file, the static copy, and
docx → PDF conversion.

May import ``scoring``'s public names and ``xladdin.workbook``.
"""
