import Foundation
import LiaisonCore
import LiaisonEngine
import LiaisonPosix
import LiaisonProtocol

extension Routes {
    static func addRoster(_ r: inout Router, _ engine: Engine) {
        r.add(Method.uploadBegin, UploadBeginParams.self, Access.office.because("uploads carry the roster's files, which the office imports")) { ctx, p in
            let id = "u\(ctx.uploads.count + 1)"
            ctx.uploads[id] = (p.name, [])
            return UploadResult(upload: id, size: 0)
        }
        r.add(Method.uploadAppend, UploadAppendParams.self, Access.office.because("uploads carry the roster's files, which the office imports")) { ctx, p in
            guard let current = ctx.uploads[p.upload] else {
                throw LiaisonError.notFound("no upload \(p.upload) on this connection; start one with upload.begin")
            }
            guard let chunk = Data(base64Encoded: p.data) else {
                throw LiaisonError(.invalidParams, "upload.append: data is not base64")
            }
            let total = ctx.uploads.values.reduce(0) { $0 + $1.bytes.count } + chunk.count
            guard total <= RequestContext.maxUploadBytes else {
                throw LiaisonError.invalid("uploads on one connection may hold at most \(RequestContext.maxUploadBytes / 1024 / 1024) MiB")
            }
            ctx.uploads[p.upload] = (current.name, current.bytes + chunk)
            return UploadResult(upload: p.upload, size: current.bytes.count + chunk.count)
        }
        r.add(Method.rosterImport, RosterImportParams.self, Access.office.because("it changes students, guardians, staff and their roles")) { ctx, p in
            // An administrator manages staff and classes; students', guardians'
            // and records' files are the office's: the import's diff shows the
            // values held (old numbers and addresses), which is personal data.
            if ctx.actor.role == .admin, !ctx.actor.isSuperuser {
                let personal = [("students", p.students), ("guardians", p.guardians), ("records", p.records)].filter { $0.1 != nil }.map(\.0)
                if !personal.isEmpty {
                    throw LiaisonError(.forbidden, "roster.import of \(personal.map { "\($0).csv" }.joined(separator: ", ")) is for office (学生工作处): "
                        + "those files hold students' and guardians' personal data and the import shows the values held; \(ctx.actor.id) is admin, "
                        + "which imports staff.csv and classes.csv. Nothing was imported")
                }
            }
            func table(_ id: String?) throws -> CSVTable? {
                guard let id else { return nil }
                guard let u = ctx.uploads[id] else {
                    throw LiaisonError.notFound("no upload \(id) on this connection; send the file with upload.begin/upload.append first")
                }
                return try CSVReader.parse(TextDecoding.decodeUTF8(u.bytes, file: u.name, gb18030: GB18030.decode), file: u.name)
            }
            // Collect every file's syntax problems before giving up.
            var problems: [String] = []
            var tables: [CSVTable?] = []
            for id in [p.students, p.guardians, p.staff, p.classes, p.records] {
                do { tables.append(try table(id)) } catch let e as LiaisonError where e.code == .invalidInput {
                    problems.append(e.message); tables.append(nil)
                }
            }
            if !problems.isEmpty {
                throw LiaisonError.invalid("the roster files cannot be read; nothing was imported:", details: problems)
            }
            let files = RosterFiles(students: tables[0], guardians: tables[1], staff: tables[2], classes: tables[3], records: tables[4])
            guard !files.isEmpty else {
                throw LiaisonError(.invalidParams, "roster.import needs at least one of students, guardians, staff, classes, records")
            }
            return try engine.importRoster(files, dryRun: p.dryRun, by: ctx.actor)
        }
    }

    static func addRosterExport(_ r: inout Router, _ engine: Engine) {
        r.add(Method.rosterExport, Empty.self, Access.officeOnly.because("it copies every student's and guardian's personal data")) { ctx, _ in
            let roster = try engine.exportRoster(by: ctx.actor)
            return RosterExportResult(
                students: RosterExport.students(roster.students),
                guardians: RosterExport.guardians(roster.guardians, households: roster.households),
                staff: RosterExport.staff(roster.staff), classes: RosterExport.classes(roster.classes), records: RosterExport.records(roster.records),
                counts: ["students": roster.students.count, "guardians": roster.guardians.count, "households": roster.households.count,
                         "staff": roster.staff.count, "classes": roster.classes.count, "records": roster.records.count])
        }
    }

    static func addStudents(_ r: inout Router, _ engine: Engine) {
        r.add(Method.studentShow, ReadParams.self, .studentRead) { ctx, p in
            let grant = try engine.checkStudentRead(p.id, for: ctx.actor, reason: p.reason, mayBreakGlass: ctx.mayBreakGlass)
            var d = try engine.studentDetail(p.id, by: ctx.actor, scope: grant.scope, reason: grant.reason)
            d.openCases = try d.openCases.map { try engine.visible($0, to: ctx.actor) }
            return d
        }
        // The data subject's copy (PIPL Art. 45), audited.
        r.add(Method.studentExport, IDParams.self, Access.officeOnly.because("it copies everything held about a student and their guardians")) { ctx, p in
            try engine.studentExport(p.id, by: ctx.actor)
        }
        r.add(Method.studentList, StudentListParams.self, .filtered()) { ctx, p in
            let limit = try pageLimit(p.limit, of: "students")
            let page = try engine.students(className: p.className, counselorID: p.counselor, scope: try engine.responsibility(of: ctx.actor),
                                           after: p.after, limit: limit)
            try engine.auditList(Method.studentList, by: ctx.actor, rows: page.students.count,
                                 filter: [p.className.map { "class=\($0)" }, p.counselor.map { "counselor=\($0)" }, p.after.map { "after=\($0)" }])
            return page
        }
    }
}
