# title: Salary routes of every applicant (assessment step 3a)
# Two operations: the threshold in force per (city, date) context, then each applicant's salary against it.
# question_en: Does each applicant's monthly salary reach the multiple of the local average wage that A-III-9 (6x) and B-IV (4x) require, under the standard in force on the application date?
# question_zh: 每位申请人的月薪是否达到申请日有效标准下本地区上年度平均工资的6倍（A类）或4倍（B类）？
# clause: 2017 standard A-III-9 "平均工资收入不低于本地区上年度社会平均工资收入6倍"; B-IV "…不低于…4倍".
# The standard in force is the latest of the city (or, where a benchmark rule such as the
#   Guangzhou–Foshan unified benchmark applies, of the benchmark jurisdiction) started on or before
#   the date and not ended. A standard with no published end is not relied on past the update
#   interval of the national rule. With no standard known the route is undetermined, with the
#   reason — never a guessed figure. A published threshold wins over base × multiple.
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/不低于/至少/年满 include the bound.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkd: <https://w3id.org/talentkg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
  ?ctx tk:salaryEvaluation ?ev .
  ?ev a tk:SalaryEvaluation ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:boundInclusive ?incl ; tk:multiple ?multiple ; tk:baseAmount ?base ; tk:monthlyAmount ?threshold ; tk:detail ?why ; tk:basedOn ?based .
} }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date ; tk:applicableRule ?rule . }
  ?rule tk:salaryMultiple ?multiple ; tk:grantsCategory ?cat .
  OPTIONAL {
    ?brule a tk:SalaryBenchmarkRule ; tk:memberJurisdiction ?city ; tk:benchmarkJurisdiction ?bj ; tk:validFrom ?bvf ; rdfs:label ?bruleLabel .
    FILTER(LANG(?bruleLabel) = "en" && ?bvf <= ?date)
    FILTER NOT EXISTS { ?brule tk:validUntil ?bvu FILTER(?date > ?bvu) }
  }
  BIND(COALESCE(?bj, ?city) AS ?avgj)
  OPTIONAL { ?avgj rdfs:label ?avgjLabel FILTER(LANG(?avgjLabel) = "en") }
  OPTIONAL {
    ?std a tk:SalaryStandard ; tk:jurisdiction ?stdj ; tk:validFrom ?sf ; tk:monthlyAmount ?base .
    FILTER(?stdj = ?avgj && ?sf <= ?date && (!BOUND(?bvf) || ?sf >= ?bvf))
    FILTER NOT EXISTS { ?std tk:validUntil ?su0 FILTER(?date > ?su0) }
    FILTER NOT EXISTS { ?std2 a tk:SalaryStandard ; tk:jurisdiction ?stdj ; tk:validFrom ?sf2 . FILTER(?sf2 > ?sf && ?sf2 <= ?date) }
  }
  OPTIONAL { ?std3 tk:validUntil ?su FILTER(?std3 = ?std) }
  OPTIONAL { ?thr tk:salaryStandard ?thr_std ; tk:grantsCategory ?cat ; tk:monthlyAmount ?published . FILTER(?thr_std = ?std) }
  OPTIONAL { ?nrule a tk:SalaryBenchmarkRule ; tk:memberJurisdiction <https://w3id.org/talentkg/id/jurisdiction/CN> ; tk:updateIntervalMonths ?interval }
  BIND((YEAR(?date) - YEAR(?sf)) * 12 + MONTH(?date) - MONTH(?sf) - IF(DAY(?date) < DAY(?sf), 1, 0) AS ?age_months)
  BIND(BOUND(?std) && !BOUND(?su) && BOUND(?interval) && ?age_months >= ?interval AS ?stale)
  BIND(IF(BOUND(?std) && !?stale, COALESCE(?published, ?base * ?multiple), ?unbound) AS ?threshold)
  BIND(IF(!BOUND(?std),
          IF(BOUND(?brule),
             CONCAT("no salary standard of ", ?avgjLabel, " is in the data for ", STR(?date), ": from ", STR(?bvf), " the route uses the ", ?bruleLabel, ", a figure not in the data"),
             CONCAT("no salary standard of ", ?avgjLabel, " in force on ", STR(?date), " is in the data")),
       IF(?stale,
          CONCAT("the ", ?avgjLabel, " standard of ", STR(?sf), " has no published end and is ", STR(?age_months), " months old on ", STR(?date), " (standards are renewed every ", STR(?interval), " months); the standard in force is not in the data"),
          "")) AS ?why)
  BIND(COALESCE(?thr, ?std, ?brule) AS ?based)
  OPTIONAL { ?rule tk:boundInclusive ?inclusive }
  BIND(COALESCE(?inclusive, true) AS ?incl)
  BIND(IRI(CONCAT(STR(?ctx), "/salary/", STRAFTER(STR(?rule), "criterion/"))) AS ?ev)
};
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:detail ?detail ; tk:basedOn ?based .
} }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
    ?app tk:assessmentContext ?ctx . ?ctx tk:salaryEvaluation ?ev .
    ?ev tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:boundInclusive ?incl ; tk:multiple ?multiple ; tk:detail ?why .
    OPTIONAL { ?ev tk:monthlyAmount ?threshold ; tk:baseAmount ?base }
    OPTIONAL { ?ev tk:basedOn ?based }
    OPTIONAL { ?app tk:monthlySalary ?salary }
  }
  # category and inclusiveness were copied onto the per-context evaluation node by the first
  # operation: no join of the applicants graph with the policy graph here (the slow plan)
  BIND(IF(!BOUND(?salary) || !BOUND(?threshold), "undetermined",
       IF(?salary > ?threshold || (?incl && ?salary = ?threshold), "met", "not_met")) AS ?outcome)
  BIND(IF(!BOUND(?salary), "monthly_salary_rmb not given",
       IF(!BOUND(?threshold), ?why,
          CONCAT(STR(?salary), IF(?outcome = "met", " ≥ ", " < "), STR(?multiple), " × ", STR(?base), " = ", STR(?threshold)))) AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
