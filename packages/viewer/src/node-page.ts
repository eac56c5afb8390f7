/** The one HTML page; the app bundle fills it. `files` picks the file-dataset (ClearML-style) screen. */
export function pageHtml(opts: { files: boolean }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>shoal viewer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="app/app.css">
</head>
<body data-mode="${opts.files ? "files" : "dataset"}">
<div id="app"><p id="status">Loading…</p></div>
<script type="module" src="app/app.js"></script>
</body>
</html>
`;
}
