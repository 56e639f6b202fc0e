# title: Applicant conditions and basic-conditions route of every applicant (assessment step 3e)
# question_en: Does each applicant meet the conditions every applicant of a category must meet (at least 18; for Category B at most 60, relaxable), and so the basic-conditions route of Category C?
# question_zh: 每位申请人是否符合各类别申请人均须具备的条件（应年满18周岁；B类不超过60周岁，可放宽），从而符合C类基本条件？
# clause: basic conditions "应年满18周岁,身体健康,无犯罪记录,境内有确定的用人单位" (every category; 年满
#   includes 18); Service Guide B "应当不超过60周岁…;确有需要的,可适当放宽年龄…限制" (不超过 includes 60;
#   relaxable). Both rows of data/applicant_conditions.csv; health, criminal record and employer are
#   for the applicant to show, the age is checked.
# reads: the tk:ApplicantCondition in force in the city on the date (tk:applicantConditionInForce of the
#   applicant's context, decided by step 0 with block applicant-condition-in-force); the applicant's tk:age.
# writes: tk:conditionCheck per (applicant, condition): met / not_met / undetermined, tk:inputMissing
#   true when the age is not given (reported, the category is not blocked: like health, it is for the
#   applicant to show); a value beyond a relaxable limit is undetermined (确有需要的可适当放宽), never
#   refused. 40-verdict.ru gates each category by its checks. A check that is not met, or undetermined
#   on a given age, is also written as a route outcome (under the lowest category it applies to), and
#   the C-I route is met when every check for Category C is met.
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/不低于/至少/年满 include the bound.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX tkd: <https://w3id.org/talentkg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH tkg:applicants {
  ?app tk:conditionCheck ?chk .
  ?chk a tk:ConditionCheck ; tk:outcomeRule ?cond ; tk:outcome ?outcome ; tk:inputMissing ?missing ; tk:detail ?detail ;
       tk:applicantValue ?age ; tk:minimumAge ?minAge ; tk:maximumAge ?maxAge ; tk:basedOn ?cond .
} }
WHERE {
  # the applicant conditions in force in the city on the date (step 0, queries/assess/05-contexts.ru)
  GRAPH tkg:applicants { ?app a tk:Applicant ; tk:assessmentContext ?ctx . ?ctx tk:applicantConditionInForce ?cond . }
  ?cond tk:boundInclusive ?incl ; tk:relaxable ?relax ; tk:boundWording ?wording .
  OPTIONAL { ?cond tk:minimumAge ?minAge }
  OPTIONAL { ?cond tk:maximumAge ?maxAge }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:age ?age } }
  BIND(BOUND(?minAge) && BOUND(?age) && (?age < ?minAge || (!?incl && ?age = ?minAge)) AS ?tooYoung)
  BIND(BOUND(?maxAge) && BOUND(?age) && (?age > ?maxAge || (!?incl && ?age = ?maxAge)) AS ?tooOld)
  BIND(!BOUND(?age) AS ?missing)
  BIND(IF(?missing, "undetermined", IF(?tooYoung || ?tooOld, IF(?relax, "undetermined", "not_met"), "met")) AS ?outcome)
  BIND(IF(BOUND(?minAge), ?minAge, ?maxAge) AS ?limit)
  BIND(IF(?missing, CONCAT("age not given (", ?wording, STR(?limit), "周岁)"),
       CONCAT("age ", STR(?age),
              IF(?tooYoung, " < ", IF(?tooOld, " > ", IF(BOUND(?minAge), " ≥ ", " ≤ "))), STR(?limit),
              " (", ?wording, STR(?limit), "周岁)",
              IF((?tooYoung || ?tooOld) && ?relax, "; the limit may be relaxed where really needed (确有需要的,可适当放宽): the data cannot say whether it will be", ""),
              IF(BOUND(?minAge) && !?tooYoung, "; healthy, no criminal record and a confirmed employer are for the applicant to show", ""))) AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/check/", STRAFTER(STR(?cond), "https://w3id.org/talentkg/id/applicant-condition/"))) AS ?chk)
};
# route outcomes: (1) a check that blocks a category (not met, or undetermined on a given age), under
# the lowest category it applies to; (2) C-I (basic-conditions route): met when every condition for
# Category C is met, not met when one is not met
INSERT { GRAPH tkg:applicants {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:detail ?detail ; tk:basedOn ?based .
} }
WHERE {
  {
    GRAPH tkg:applicants {
      ?app tk:conditionCheck ?chk . ?chk tk:outcomeRule ?rule ; tk:outcome ?outcome ; tk:inputMissing false ; tk:detail ?detail .
    }
    FILTER(?outcome != "met")
    ?rule tk:appliesToCategory ?cat . ?cat tk:categoryRank ?rank .
    FILTER NOT EXISTS { ?rule tk:appliesToCategory ?lower . ?lower tk:categoryRank ?lr FILTER(?lr < ?rank) }
    BIND(?rule AS ?based)
  } UNION {
    # the criteria in force in the applicant's city on the date (step 0, queries/assess/05-contexts.ru)
    GRAPH tkg:applicants { ?app tk:assessmentContext ?ctx . ?ctx tk:applicableRule ?rule . }
    ?rule tk:grantsCategory ?cat ; tk:routeKind <https://w3id.org/talentkg/id/route-kind/basic_conditions> .
    OPTIONAL {
      SELECT ?app ?cat (SUM(IF(?o = "not_met", 1, 0)) AS ?nNot) (SUM(IF(?o = "undetermined", 1, 0)) AS ?nOpen)
             (GROUP_CONCAT(?d; separator="; ") AS ?details) WHERE {
        GRAPH tkg:applicants { ?app tk:conditionCheck ?chk . ?chk tk:outcomeRule ?cond ; tk:outcome ?o ; tk:detail ?d . }
        ?cond tk:appliesToCategory ?cat .
      } GROUP BY ?app ?cat
    }
    OPTIONAL { ?rule tk:quotaManaged ?quota }
    BIND(IF(!BOUND(?details), "undetermined", IF(?nNot > 0, "not_met", IF(?nOpen > 0, "undetermined", "met"))) AS ?outcome)
    BIND(CONCAT(COALESCE(?details, "no applicant condition in force is in the data"),
                IF(COALESCE(?quota, false), "; Category C is quota-managed", "")) AS ?detail)
  }
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
