"""The PDF foundation every document is built on.

- ``layout``: page geometry and paragraph styles, in one place;
- ``fonts``: the embedded Latin and CJK fonts (shipped in ``reports/fonts``);
- ``text``: ``markup``, the one escape helper every user string passes through before it
  reaches reportlab, and ``para``, a paragraph that wraps Chinese by Chinese rules;
- ``tables``: ``long_table``, a table whose build time grows linearly with its rows, with
  the header repeated on every page;
- ``canvas``: ``numbered_canvas``, "page x of y" footers by a two-pass canvas;
- ``qr``: QR codes drawn as vectors;
- ``document``: ``build_pdf``, a story to bytes on those pages.
"""
