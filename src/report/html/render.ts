// report.html: one self-contained page (inline CSS, inline SVG, one inline script, no network
// asset) with the runs' identity and verdicts and the four plots, each rendered server-side
// from its vega-lite spec to SVG by vega's headless View (renderer 'none': no canvas needed).
// The inline script marks the page once it has found every plot it expects
// (`<html data-plots-rendered="N">` and the title), which is what the browser test checks.

import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../result.js';
import type { LoadedRun, LoadedRuns } from './load.js';
import { allPlots } from './plots.js';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A vega-lite spec as an SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function ms(ns: number | null | undefined): string {
  return ns === null || ns === undefined ? '—' : `${(ns / 1e6).toFixed(1)} ms`;
}

function runSection(r: LoadedRun): string {
  const x: RunResult = r.result;
  const verdict = x.checker.ok
    ? '<span class="ok">no violation</span>'
    : `<span class="bad">${x.checker.violations.length} violation(s)</span>`;
  const violations = x.checker.violations
    .slice(0, 10)
    .map((v) => `<li><b>${escapeHtml(v.invariant)}</b> ${escapeHtml(v.detail)}</li>`)
    .join('');
  const withdraws = (x.withdraws ?? [])
    .map((w) => {
      const p = w.phases;
      const err = p.error ?? p.withdrawStart ?? null;
      const since = (t: number | null | undefined) =>
        t === null || t === undefined || err === null ? '—' : ms(t - err);
      return `<tr><td>${w.node}</td><td>${ms(err)}</td><td>${since(p.signalSent)}</td><td>${since(p.replayDone)}</td><td>${typeof w.replayedBy === 'number' && w.replayedBy >= 0 ? w.replayedBy : '—'}</td><td>${since(p.journalClean)}</td><td>${since(p.lockspaceReleased)}</td></tr>`;
    })
    .join('');
  const withdrawTable =
    withdraws === ''
      ? '<p class="muted">No withdraw.</p>'
      : `<table><thead><tr><th>node</th><th>error at</th><th>signal sent</th><th>replay done</th><th>replayed by</th><th>journal clean</th><th>lockspace released</th></tr></thead><tbody>${withdraws}</tbody></table><p class="muted">Phase columns: time after the error.</p>`;
  return `<section class="run">
<h2>${escapeHtml(r.label)}</h2>
<p class="cmd"><code>${escapeHtml(x.command.join(' ') || '(command not recorded)')}</code></p>
<dl>
<dt>mode</dt><dd>${escapeHtml(x.mode)}</dd><dt>seed</dt><dd>${x.seed}</dd><dt>protocol</dt><dd>${escapeHtml(x.protocol)}</dd>
<dt>faults</dt><dd>${escapeHtml(x.faults ?? 'none')}</dd><dt>nodes</dt><dd>${x.config.nodes} × ${x.config.processes}</dd>
<dt>duration</dt><dd>${(x.durationMs / 1000).toFixed(2)} s</dd><dt>ops</dt><dd>${x.totals.ops} (${x.totals.opsPerSec.toFixed(0)}/s)</dd>
<dt>state</dt><dd>${escapeHtml(x.state)}</dd><dt>checker</dt><dd>${verdict}</dd>
</dl>
${violations === '' ? '' : `<ul class="violations">${violations}</ul>`}
${withdrawTable}
</section>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:820px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:18px 0 6px}
.muted{color:#777;font-size:13px}code{font-size:12px;background:#eee;padding:1px 4px;border-radius:3px}
dl{display:grid;grid-template-columns:repeat(4,auto 1fr);gap:2px 10px;font-size:13px;margin:6px 0}dt{color:#777}dd{margin:0}
table{border-collapse:collapse;font-size:12px;margin:6px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}th{background:#f0f0f0}
.ok{color:#2a7d2a;font-weight:600}.bad{color:#c62828;font-weight:600}
figure{background:white;border:1px solid #ddd;border-radius:6px;margin:16px 0;padding:12px}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:13px;color:#555;margin-top:6px}.note{font-style:italic;color:#8a6d00;background:#fff8e1;padding:10px;border-radius:4px}
.run{background:white;border:1px solid #ddd;border-radius:6px;padding:4px 14px 10px;margin:12px 0}
`;

/** The whole page. */
export async function renderReport(
  loaded: LoadedRuns,
  generatedAt: Date,
): Promise<{ html: string; plots: number; notes: number }> {
  const plots = allPlots(loaded.runs);
  const figures: string[] = [];
  let drawn = 0;
  for (const p of plots) {
    const body = p.spec === null ? `<p class="note">${escapeHtml(p.note ?? 'no data')}</p>` : await renderSvg(p.spec);
    if (p.spec !== null) drawn++;
    figures.push(
      `<figure data-plot="${p.id}"${p.spec === null ? ' data-empty="true"' : ''}><h2>${escapeHtml(p.title)}</h2>${body}<figcaption>${escapeHtml(p.caption)}</figcaption></figure>`,
    );
  }
  const skipped =
    loaded.skipped.length === 0
      ? ''
      : `<p class="muted">Skipped: ${loaded.skipped.map((s) => `${escapeHtml(s.file)} (${escapeHtml(s.reason)})`).join('; ')}</p>`;
  const first = loaded.runs[0]?.result;
  const html = `<!doctype html>
<html lang="en" data-plots-expected="${drawn}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>gfs2-stress report</title>
<style>${STYLE}</style></head>
<body>
<h1>gfs2-stress report</h1>
<p class="muted">${loaded.runs.length} run(s) · ${escapeHtml(first?.tool.name ?? 'gfs2-stress')} ${escapeHtml(first?.tool.version ?? '')} · generated ${escapeHtml(generatedAt.toISOString())}</p>
${skipped}
${figures.join('\n')}
${loaded.runs.map(runSection).join('\n')}
<script>
(function () {
  var expected = Number(document.documentElement.getAttribute('data-plots-expected'));
  var found = document.querySelectorAll('figure[data-plot] svg').length;
  if (found === expected) {
    document.documentElement.setAttribute('data-plots-rendered', String(found));
    document.title = 'gfs2-stress report (' + found + ' plots)';
  }
})();
</script>
</body></html>
`;
  return { html, plots: drawn, notes: plots.length - drawn };
}
