# title: Salary routes of every applicant (assessment step 3a)
# question_en: Does each applicant's monthly salary reach the multiple of the local average wage that A-III-9 (6x) and B-IV (4x) require, under the standard in force on the application date?
# question_zh: 每位申请人的月薪是否达到申请日有效标准下本地区上年度平均工资的6倍（A类）或4倍（B类）？
# clause: 2017 standard A-III-9 "平均工资收入不低于本地区上年度社会平均工资收入6倍"; B-IV "…不低于…4倍".
# The threshold in force per (city, date) context — or why it is not known — is written by the
#   resolver (05-contexts.ru, blocks salary-standard and salary-threshold, the same blocks as the
#   library query salary_threshold). This step compares each applicant's salary with it. With no
#   threshold known the route is undetermined, with the reason — never a guessed figure.
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/不低于/至少/年满 include the bound.
# Writes per applicant: outcome, message code (data/messages.csv), the applicant's value and the
#   comparison; the figures (threshold, base, multiple, standard …) stay on the context's
#   evaluation node (tk:contextEvaluation), shared by every applicant of the context.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
INSERT { GRAPH tkg:applicants {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:messageCode ?code ;
        tk:evaluatorKind "salary" ; tk:contextEvaluation ?ev ; tk:outcomeApplicantValue ?salary ; tk:outcomeComparison ?cmp ; tk:basedOn ?based .
} }
WHERE {
  GRAPH tkg:applicants {
    ?app tk:assessmentContext ?ctx . ?ctx tk:salaryEvaluation ?ev .
    ?ev tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcomeInclusive ?incl .
    OPTIONAL { ?ev tk:outcomeThreshold ?threshold }
    OPTIONAL { ?ev tk:messageCode ?why }
    OPTIONAL { ?ev tk:basedOn ?based }
    OPTIONAL { ?app tk:monthlySalary ?salary }
  }
  BIND(BOUND(?salary) && BOUND(?threshold) && (?salary > ?threshold || (?incl && ?salary = ?threshold)) AS ?reached)
  BIND(IF(!BOUND(?salary) || !BOUND(?threshold), "undetermined", IF(?reached, "met", "not_met")) AS ?outcome)
  BIND(IF(?outcome = "undetermined", ?unbound, IF(?reached, IF(?incl, "≥", ">"), IF(?incl, "<", "≤"))) AS ?cmp)
  BIND(IF(!BOUND(?salary), "salary.no_value", IF(!BOUND(?threshold), ?why,
       IF(?incl, IF(?reached, "salary.met", "salary.not_met"), IF(?reached, "salary.met_exclusive", "salary.not_met_exclusive")))) AS ?code)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
