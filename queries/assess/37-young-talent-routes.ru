# title: Outstanding-young-talent route of every applicant (assessment step 3g)
# question_en: Is each applicant a young talent within the age limit engaged in postdoctoral research at a high-level university (A-V)?
# question_zh: 每位申请人是否为在高水平高校从事博士后研究、且在年龄限制以内的优秀青年人才（A-V）？
# clause: 2017 standard A-V "在国外(境外)高水平高校从事博士后研究的40岁以下青年人才" (以下 includes the
#   bound: the age limit and its inclusiveness are read from the criterion, tk:maximumAge /
#   tk:boundInclusive). Postdoctoral research presupposes a doctorate (tk:minimumEducation on the
#   criterion): a degree below it does not meet the route. Whether the university is "high-level"
#   is for the applicant to show; the profile says whether they do postdoctoral research
#   (postdoctoral_research). Missing facts leave the route undetermined — never absent.
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/以下/以内/不低于/不超过 include the bound.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH tkg:applicants {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:detail ?detail .
} }
WHERE {
  # the criteria in force in the applicant's city on the date (step 0, queries/assess/05-contexts.ru)
  GRAPH tkg:applicants { ?app tk:assessmentContext ?ctx . ?ctx tk:applicableRule ?rule . }
  ?rule tk:grantsCategory ?cat ; tk:routeKind <https://w3id.org/talentkg/id/route-kind/young_talent> ; tk:maximumAge ?maxAge ; tk:boundWording ?wording .
  OPTIONAL { ?rule tk:boundInclusive ?inclusive }
  OPTIONAL { ?rule tk:minimumEducation ?minEd . ?minEd tk:educationRank ?minRank ; rdfs:label ?minEdLabel FILTER(LANG(?minEdLabel) = "en") }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:age ?age } }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:postdoctoralResearch ?postdoc } }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:education ?ed } ?ed tk:educationRank ?rank ; rdfs:label ?edLabel FILTER(LANG(?edLabel) = "en") }
  BIND(COALESCE(?inclusive, true) AS ?incl)
  BIND(BOUND(?age) && (?age > ?maxAge || (!?incl && ?age = ?maxAge)) AS ?tooOld)
  BIND(BOUND(?rank) && BOUND(?minRank) && ?rank < ?minRank AS ?lowDegree)
  BIND(BOUND(?postdoc) && !?postdoc AS ?noPostdoc)
  BIND(IF(?tooOld || ?lowDegree || ?noPostdoc, "not_met", IF(BOUND(?postdoc) && BOUND(?age), "met", "undetermined")) AS ?outcome)
  BIND(CONCAT(STR(?maxAge), "岁", ?wording, ": ",
       IF(?tooOld, CONCAT("age ", STR(?age), " > ", STR(?maxAge)),
       IF(?lowDegree, CONCAT(?edLabel, ": postdoctoral research presupposes a ", ?minEdLabel),
       IF(?noPostdoc, "not engaged in postdoctoral research (postdoctoral_research is false)",
       IF(?outcome = "met", CONCAT("age ", STR(?age), " ≤ ", STR(?maxAge), "; postdoctoral research (that the university is high-level is for the applicant to show)"),
          CONCAT(IF(BOUND(?age), CONCAT("age ", STR(?age), " ≤ ", STR(?maxAge)), "age not given"), "; ",
                 IF(BOUND(?postdoc), "postdoctoral research", "postdoctoral_research not given"))))))) AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
