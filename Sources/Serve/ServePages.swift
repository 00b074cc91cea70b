import Dataset
import Foundation
import Trainer

/// The pages of `cliport serve`, rendered on the server as plain HTML (the episode player adds a short
/// script to step through the pictures). Every text from a file is escaped.
enum ServePages {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func page(_ title: String, _ body: String, script: String = "") -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) · cliport serve</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>\(style)</style></head>
        <body><header><a href="/">cliport serve</a> <span>\(escape(title))</span></header><main>
        \(body)
        </main>\(script.isEmpty ? "" : "<script>\(script)</script>")</body></html>
        """
    }

    static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#222}
    header{background:#2b2f36;color:#eee;padding:8px 16px}header a{color:#fff;font-weight:600;text-decoration:none;margin-right:12px}
    main{padding:12px 16px}table{border-collapse:collapse;background:#fff}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
    th{background:#eceae6}td.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#17702d}.fail{color:#b3261e}
    .player{display:flex;gap:12px;align-items:flex-start;flex-wrap:wrap}.hm{position:relative;margin:0;width:var(--w)}
    .hm img,.hm svg{width:var(--w);height:var(--h);image-rendering:pixelated;display:block}.hm svg{position:absolute;left:0;top:0}
    .cams{display:flex;flex-direction:column;gap:6px}.cams figure{margin:0}.cams img{width:320px;display:block}
    figcaption{font-size:12px;color:#555}.controls{margin:8px 0;display:flex;gap:8px;align-items:center}
    #instruction{font-size:17px;margin:6px 0}.pick{stroke:#ff00ff;fill:none;stroke-width:.8}.place{stroke:#00e5ff;fill:none;stroke-width:.8}
    svg.chart{background:#fff}svg.chart .plot{fill:#fff;stroke:#999}svg.chart .grid{stroke:#eee}svg.chart .tick,svg.chart .axis,svg.chart .legend{font-size:11px;fill:#444}
    polyline.train,line.train{stroke:#1f5fbf;stroke-width:1.5}polyline.validation,line.validation{stroke:#d9730d;stroke-width:2}circle.validation{fill:#d9730d}
    .pictures{display:flex;flex-wrap:wrap;gap:10px}.pictures figure{margin:0;background:#fff;padding:4px}.pictures img{max-width:300px;display:block}
    tr.best td{font-weight:600}
    """

    // MARK: - index

    static func index(library: ServeLibrary, datasetSummaries: [(episodes: Int, tasks: String)?], runSummaries: [RunRecords]) -> String {
        var body = "<h2>Datasets</h2>"
        if library.datasets.isEmpty { body += "<p>none (give <code>--data DIR</code>)</p>" } else {
            body += "<table id=\"datasets\"><tr><th>dataset</th><th>episodes</th><th>task</th><th>folder</th></tr>"
            for (i, d) in library.datasets.enumerated() {
                let s = datasetSummaries[i]
                body += "<tr><td><a href=\"/data/\(i)\">\(escape(d.name))</a></td><td class=\"num\">\(s.map { String($0.episodes) } ?? "unreadable")</td>"
                    + "<td>\(escape(s?.tasks ?? ""))</td><td><code>\(escape(d.path))</code></td></tr>"
            }
            body += "</table>"
        }
        body += "<h2>Training runs</h2>"
        if library.runs.isEmpty { body += "<p>none (give <code>--runs DIR</code>)</p>" } else {
            body += "<table id=\"runs\"><tr><th>run</th><th>steps logged</th><th>last loss</th><th>best eval score</th><th>folder</th></tr>"
            for (i, r) in library.runs.enumerated() {
                let records = runSummaries[i]
                let last = records.metrics.last
                let best = records.evaluations.compactMap { e in e.results.best.map { "\(e.results.task) \(e.results.split.rawValue): \(String(format: "%.1f", $0.score))" } }
                body += "<tr><td><a href=\"/runs/\(i)\">\(escape(r.name))</a></td><td class=\"num\">\(last.map { String($0.step) } ?? "–")</td>"
                    + "<td class=\"num\">\(last.map { String(format: "%.4g", $0.loss) } ?? "–")</td><td>\(escape(best.joined(separator: "; ")))</td>"
                    + "<td><code>\(escape(r.path))</code></td></tr>"
            }
            body += "</table>"
        }
        return page("datasets and runs", body)
    }

    // MARK: - datasets

    struct EpisodeRow {
        var entry: EpisodeEntry
        var instruction: String
    }

    static func dataset(index d: Int, folder: ServeLibrary.Folder, rows: [EpisodeRow]) -> String {
        var body = "<h2>\(escape(folder.name))</h2><p><code>\(escape(folder.path))</code> · \(rows.count) episode\(rows.count == 1 ? "" : "s")</p>"
        body += "<table id=\"episodes\"><tr><th>episode</th><th>task</th><th>split</th><th>seed</th><th>steps</th><th>instruction</th><th>success</th><th>source</th></tr>"
        for r in rows {
            let e = r.entry
            body += "<tr><td><a href=\"/data/\(d)/episodes/\(e.index)\">\(e.index)</a></td><td>\(escape(e.task))</td><td>\(escape(e.split))</td>"
                + "<td class=\"num\">\(e.seed)</td><td class=\"num\">\(e.numSteps)</td><td>\(escape(r.instruction))</td>"
                + "<td class=\"\(e.success ? "ok" : "fail")\">\(e.success ? "yes" : "no")</td><td>\(escape(e.source))</td></tr>"
        }
        return page(folder.name, body + "</table>")
    }

    /// The step-by-step player: positions 0..<steps are the steps (with their action marked), position
    /// `steps` the final observation. `#step=N` in the address opens position N (1-based, as shown).
    static func episode(dataset d: Int, folder: ServeLibrary.Folder, index e: Int, metadata: EpisodeMetadata, header: DatasetHeader,
                        steps: [StepRecord], rows: Int, cols: Int) -> String {
        struct StepJSON: Encodable {
            var instruction: String
            var pick: [Int]?
            var place: [Int]?
            var place_degrees: Double?
            var reward: Double?
        }
        let bins = max(header.rotationBins, 1)
        var positions = steps.map { s in
            StepJSON(instruction: s.instruction, pick: [s.action.pickPixel.row, s.action.pickPixel.col],
                     place: [s.action.placePixel.row, s.action.placePixel.col],
                     place_degrees: Double(s.action.rotationBin) * 360 / Double(bins), reward: s.reward)
        }
        positions.append(StepJSON(instruction: steps.last?.instruction ?? metadata.instruction))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: (try? encoder.encode(positions)) ?? Data("[]".utf8), as: UTF8.self)
            .replacingOccurrences(of: "</", with: "<\\/")
        let cameras = header.cameras.map(\.name)
        let scale = 2
        var body = "<h2>\(escape(folder.name)) · episode \(e)</h2>"
        body += "<p>\(escape(metadata.task)) · \(escape(metadata.split)) · seed \(metadata.seed) · \(steps.count) step\(steps.count == 1 ? "" : "s") · "
            + "<span class=\"\(metadata.success ? "ok" : "fail")\">\(metadata.success ? "success" : "failure")</span>"
            + " · total reward \(String(format: "%.2f", metadata.totalReward))"
            + " · <a href=\"/data/\(d)\">all episodes</a>\(e > 0 ? " · <a href=\"/data/\(d)/episodes/\(e - 1)\">previous</a>" : "")"
            + " · <a href=\"/data/\(d)/episodes/\(e + 1)\">next</a></p>"
        body += "<p id=\"instruction\"></p>"
        body += "<div class=\"controls\"><button id=\"prev\" title=\"previous step (←)\">◀</button><button id=\"play\">play</button>"
            + "<button id=\"next\" title=\"next step (→)\">▶</button><input id=\"slider\" type=\"range\" min=\"1\" max=\"\(steps.count + 1)\" value=\"1\">"
            + "<span id=\"label\"></span></div>"
        body += "<div class=\"player\"><figure class=\"hm\" style=\"--w:\(cols * scale)px;--h:\(rows * scale)px\">"
            + "<img id=\"heightmap\" alt=\"heightmap\" width=\"\(cols * scale)\" height=\"\(rows * scale)\">"
            + "<svg id=\"marks\" viewBox=\"0 0 \(cols) \(rows)\" preserveAspectRatio=\"none\">"
            + "<circle id=\"pick\" class=\"pick\" r=\"4\"/><circle id=\"place\" class=\"place\" r=\"4\"/><line id=\"tick\" class=\"place\"/></svg>"
            + "<figcaption>heightmap (top-down colour), pick <b style=\"color:#c0c\">magenta</b>, place <b style=\"color:#0aa\">cyan</b> with its rotation</figcaption></figure>"
        body += "<div class=\"cams\">" + cameras.enumerated().map { k, name in
            "<figure><img id=\"camera\(k)\" alt=\"\(escape(name))\" width=\"320\"><figcaption>\(escape(name))</figcaption></figure>"
        }.joined() + "</div></div>"
        let script = """
        const STEPS = \(json), BASE = "/data/\(d)/episodes/\(e)/", CAMERAS = \(cameras.count);
        let at = 0, timer = null;
        const $ = id => document.getElementById(id);
        function show(i) {
          at = Math.max(0, Math.min(STEPS.length - 1, i));
          const s = STEPS[at], final = at === STEPS.length - 1;
          $("heightmap").src = BASE + at + "/heightmap.png";
          for (let k = 0; k < CAMERAS; k++) $("camera" + k).src = BASE + at + "/camera" + k + ".png";
          $("instruction").textContent = s.instruction;
          $("label").textContent = final ? "final observation (after step " + (STEPS.length - 1) + ")"
            : "step " + (at + 1) + " of " + (STEPS.length - 1) + " · reward " + s.reward.toFixed(2);
          $("slider").value = at + 1;
          for (const id of ["pick", "place", "tick"]) $(id).style.display = final ? "none" : "";
          if (!final) {
            const [pr, pc] = s.pick, [qr, qc] = s.place, a = s.place_degrees * Math.PI / 180;
            $("pick").setAttribute("cx", pc + 0.5); $("pick").setAttribute("cy", pr + 0.5);
            $("place").setAttribute("cx", qc + 0.5); $("place").setAttribute("cy", qr + 0.5);
            $("tick").setAttribute("x1", qc + 0.5); $("tick").setAttribute("y1", qr + 0.5);
            $("tick").setAttribute("x2", qc + 0.5 + 8 * Math.cos(a)); $("tick").setAttribute("y2", qr + 0.5 + 8 * Math.sin(a));
          }
          history.replaceState(null, "", "#step=" + (at + 1));
        }
        function stop() { clearInterval(timer); timer = null; $("play").textContent = "play"; }
        $("prev").onclick = () => { stop(); show(at - 1); };
        $("next").onclick = () => { stop(); show(at + 1); };
        $("slider").oninput = e => { stop(); show(Number(e.target.value) - 1); };
        $("play").onclick = () => {
          if (timer) return stop();
          if (at === STEPS.length - 1) show(0);
          $("play").textContent = "pause";
          timer = setInterval(() => { if (at >= STEPS.length - 1) stop(); else show(at + 1); }, 1000);
        };
        document.addEventListener("keydown", e => {
          if (e.key === "ArrowLeft") $("prev").click(); else if (e.key === "ArrowRight") $("next").click(); else if (e.key === " ") { e.preventDefault(); $("play").click(); }
        });
        const m = /step=(\\d+)/.exec(location.hash);
        show(m ? Number(m[1]) - 1 : 0);
        """
        return page("\(folder.name) episode \(e)", body, script: script)
    }

    // MARK: - runs

    static func run(index r: Int, folder: ServeLibrary.Folder, records: RunRecords) -> String {
        var body = "<h2>\(escape(folder.name))</h2><p><code>\(escape(folder.path))</code></p>"
        let m = records.metrics
        body += "<h3>Loss</h3>"
        if m.isEmpty {
            body += "<p id=\"no-metrics\">no metrics.jsonl yet</p>"
        } else {
            let train = LossChart.Series(name: "training loss", cssClass: "train", points: m.map { (Double($0.step), $0.loss) }, dots: false)
            let validation = LossChart.Series(name: "validation loss", cssClass: "validation",
                                              points: m.compactMap { s in s.validationLoss.map { (Double(s.step), $0) } }, dots: true)
            body += "<p>\(m.count) logged steps, \(m.first!.step)…\(m.last!.step); last loss \(String(format: "%.4g", m.last!.loss))"
                + (validation.points.last.map { String(format: ", last validation loss %.4g at step %d", $0.y, Int($0.x)) } ?? "")
                + (records.unreadableLines > 0 ? "; \(records.unreadableLines) unreadable line(s) skipped" : "") + "</p>"
            body += "<div id=\"loss-chart\">" + LossChart(series: [train, validation], yLabel: "loss").svg + "</div>"
        }
        body += "<h3>Evaluation</h3>"
        if records.evaluations.isEmpty { body += "<p id=\"no-eval\">no eval results yet (<code>cliport eval --run \(escape(folder.path))</code>)</p>" }
        for (file, results) in records.evaluations {
            let best = results.best
            body += "<h4>\(escape(results.task)) · \(results.split.rawValue) · \(results.n) episodes <small>(\(escape(file)))</small></h4>"
            body += "<table class=\"eval\" data-task=\"\(escape(results.task))\" data-split=\"\(results.split.rawValue)\"><tr><th>checkpoint</th><th>step</th><th>score</th><th>episodes</th><th>successes</th></tr>"
            for c in results.checkpoints.sorted(by: { $0.step < $1.step }) {
                let isBest = best.map { $0.checkpoint == c.checkpoint && $0.step == c.step } ?? false
                body += "<tr\(isBest ? " class=\"best\"" : "")><td>\(escape(c.checkpoint))</td><td class=\"num\">\(c.step)</td>"
                    + "<td class=\"num score\">\(String(format: "%.1f", c.score))</td><td class=\"num\">\(c.episodes.count)</td>"
                    + "<td class=\"num\">\(c.episodes.filter { $0.reward >= 0.999 }.count)</td></tr>"
            }
            body += "</table>"
        }
        body += "<h3>Affordance pictures</h3>"
        if records.pictures.isEmpty { body += "<p>none (<code>cliport eval --pictures N</code> writes them)</p>" } else {
            let shown = records.pictures.prefix(60)
            body += "<p>\(records.pictures.count) picture\(records.pictures.count == 1 ? "" : "s") in eval/pictures\(records.pictures.count > shown.count ? ", the first \(shown.count) shown" : "")</p>"
            body += "<div class=\"pictures\">" + shown.map { name in
                let url = "/runs/\(r)/pictures/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)
                return "<figure><a href=\"\(escape(url))\"><img src=\"\(escape(url))\" loading=\"lazy\" alt=\"\(escape(name))\"></a><figcaption>\(escape(name))</figcaption></figure>"
            }.joined() + "</div>"
        }
        if let configuration = records.configuration {
            body += "<h3>Configuration</h3><details><summary>config.json</summary><pre>\(escape(configuration))</pre></details>"
        }
        return page(folder.name, body)
    }
}
