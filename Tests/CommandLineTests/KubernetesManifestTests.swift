import Foundation
import Testing
import Yams

/// `docs/kubernetes/sweep-job.yaml` (issue 26): an Indexed Job whose pods each run a shard of a
/// sweep. No cluster runs here, so the test reads the manifest as Kubernetes would, runs the
/// container's command locally once per completion index (with `JOB_COMPLETION_INDEX` set and
/// `$(VAR)` references expanded as the kubelet does), merges the journals and compares the
/// report with a one-process run of the same sweep.
@Suite struct KubernetesManifestTests {
    static let manifest = Fixtures.root.appendingPathComponent("docs/kubernetes/sweep-job.yaml")

    /// The manifest's YAML documents, as dictionaries.
    static func documents() throws -> [[String: Any]] {
        let text = try String(contentsOf: manifest, encoding: .utf8)
        return try Yams.load_all(yaml: text).map { try #require($0 as? [String: Any], "a document that is not a mapping: \(String(describing: $0))") }
    }

    /// `text` with its `$(NAME)` references replaced as Kubernetes does for a container's command
    /// and args: a defined variable by its value, an undefined one left as written, `$$` as `$`
    /// (k8s.io/kubernetes third_party/forked/golang/expansion).
    static func expand(_ text: String, _ variables: [String: String]) -> String {
        var result = "", rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            guard let next = after.first else { result += "$"; rest = after; break }
            if next == "$" {
                result += "$"
                rest = after.dropFirst()
            } else if next == "(", let close = after.firstIndex(of: ")") {
                let name = String(after[after.index(after: after.startIndex)..<close])
                result += variables[name] ?? "$(\(name))"
                rest = after[after.index(after: close)...]
            } else {
                result += "$" + String(next)
                rest = after.dropFirst()
            }
        }
        return result + rest
    }

    @Test func expansionFollowsKubernetes() {
        let variables = ["JOB_COMPLETION_INDEX": "2", "A": "x"]
        #expect(Self.expand("/results/j-$(JOB_COMPLETION_INDEX).jsonl", variables) == "/results/j-2.jsonl")
        #expect(Self.expand("$(A)$(A)-$$(A)-$(B)-$A-$(", variables) == "xx-$(A)-$(B)-$A-$(")
    }

    @Test func theIndexedJobRunLocallyMergesToTheOneProcessReport() throws {
        let started = Date()
        let documents = try Self.documents()
        let job = try #require(documents.first { $0["kind"] as? String == "Job" }, "no Job in the manifest")
        #expect(job["apiVersion"] as? String == "batch/v1")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        let completions = try #require(spec["completions"] as? Int)
        #expect(completions == 3 && spec["parallelism"] as? Int == completions)
        #expect((spec["backoffLimit"] as? Int ?? -1) >= 0)
        let podSpec = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(podSpec["restartPolicy"] as? String == "Never")
        let containers = try #require(podSpec["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        let container = containers[0]
        let requests = (container["resources"] as? [String: Any])?["requests"] as? [String: Any]
        #expect(requests.map { "\($0["cpu"] ?? "")" } == "1", "each pod requests one CPU")

        // The results volume: a mount backed by the manifest's own claim.
        let mount = try #require((container["volumeMounts"] as? [[String: Any]])?.first)
        let mountPath = try #require(mount["mountPath"] as? String)
        let volume = try #require((podSpec["volumes"] as? [[String: Any]])?.first { $0["name"] as? String == mount["name"] as? String })
        let claim = try #require((volume["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String)
        #expect(documents.contains { $0["kind"] as? String == "PersistentVolumeClaim" && ($0["metadata"] as? [String: Any])?["name"] as? String == claim },
                "the claim \(claim) is not in the manifest")

        // The container's command line; the shard is the completion of `completions`.
        let commandLine = try #require(container["command"] as? [String]) + (container["args"] as? [String] ?? [])
        #expect(commandLine.first == "lrfind" && commandLine.dropFirst().first == "sweep", "\(commandLine)")
        let shard = commandLine.firstIndex(of: "--shard").map { commandLine[$0 + 1] }
        #expect(shard == "k8s/\(completions)", "\(commandLine)")
        let environment = Dictionary((container["env"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["name"] as? String).flatMap { name in (entry["value"] as? String).map { (name, $0) } }
        }, uniquingKeysWith: { $1 })

        // Each completion index as its pod would run: JOB_COMPLETION_INDEX set (the Job controller
        // adds it to the container's variables), $(VAR) expanded, the volume a local folder.
        let folder = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        func local(_ argument: String) -> String {
            argument == mountPath || argument.hasPrefix(mountPath + "/") ? folder.path + argument.dropFirst(mountPath.count) : argument
        }
        let pods = (0..<completions).map { index in
            let variables = environment.merging(["JOB_COMPLETION_INDEX": String(index)]) { old, _ in old }
            return commandLine.dropFirst().map { local(Self.expand($0, variables)) }
        }
        let journals = pods.map { arguments in arguments.firstIndex(of: "--journal").map { arguments[$0 + 1] } ?? "" }
        #expect(journals == (0..<completions).map { folder.appendingPathComponent("j-\($0).jsonl").path }, "\(journals)")
        // The same sweep in one process: no shard, its own journal.
        var whole = pods[0]
        if let at = whole.firstIndex(of: "--shard") { whole.removeSubrange(at...(at + 1)) }
        if let at = whole.firstIndex(of: "--journal") { whole[at + 1] = folder.appendingPathComponent("one.jsonl").path }

        // The pods and the one process, two at a time.
        let jobs = pods.enumerated().map { (arguments: $0.element, index: Optional($0.offset)) } + [(arguments: whole, index: nil)]
        var results = [(status: Int32, output: String, error: String)?](repeating: nil, count: jobs.count)
        let lock = NSLock()
        let gate = DispatchSemaphore(value: 2)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            gate.wait()
            defer { gate.signal() }
            let environment = jobs[i].index.map { ["JOB_COMPLETION_INDEX": String($0)] } ?? [:]
            let result = try? runCommand(lrfindBinary.path, jobs[i].arguments, environment: environment, in: folder, timeout: 300)
            lock.lock()
            results[i] = result
            lock.unlock()
        }
        for (i, result) in results.enumerated() {
            let result = try #require(result, "\(jobs[i].arguments) did not start")
            #expect(result.status == 0, "\(jobs[i].arguments): \(result.error)")
            if let index = jobs[i].index {
                #expect(result.error.contains("lrfind: note: shard \(index + 1)/\(completions) ran "), "\(result.error)")
            }
        }
        let merge = try runLRFind(["merge"] + journals + ["--output", "merged.jsonl"], in: folder)
        #expect(merge.status == 0, "\(merge.error)")
        let merged = try runLRFind(["report", "merged.jsonl"], in: folder)
        let reference = try runLRFind(["report", "one.jsonl"], in: folder)
        #expect(merged.status == 0 && reference.status == 0, "\(merged.error) \(reference.error)")
        let rows = SlurmArrayTests.withoutTimes(merged.output)
        #expect(rows == SlurmArrayTests.withoutTimes(reference.output), "merged:\n\(merged.output)\none process:\n\(reference.output)")
        #expect(rows.count >= 5 && rows.first?.contains(" runs finished") == true, "\(merged.output)")
        FileHandle.standardError.write(Data(String(format: "Kubernetes manifest: %d completions run locally, merged, equal to one process: %.1f s\n",
                                                   completions, Date().timeIntervalSince(started)).utf8))
    }
}
