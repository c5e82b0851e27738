/// A class as `classes.csv` lists it (issue 13): its college and the staff
/// who answer for it, its counselor (辅导员) and class teacher (班主任).
/// The responsibility model (who answers for which students) grows from here.
public struct ClassRecord: Codable, Sendable, Equatable, Hashable {
    /// The class name the students file uses, e.g. 旅游2301班.
    public var name: String
    public var college: String
    public var major: String
    /// The year of entry (2023), or empty.
    public var grade: String
    public var counselorID: String
    /// The class teacher's staff id, or empty.
    public var teacherID: String

    public init(name: String, college: String, major: String = "", grade: String = "", counselorID: String, teacherID: String = "") {
        self.name = name; self.college = college; self.major = major; self.grade = grade
        self.counselorID = counselorID; self.teacherID = teacherID
    }
}
