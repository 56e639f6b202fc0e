# title: Verdict of every applicant (assessment step 4)
# question_en: Which category can each applicant apply for on the application date?
# question_zh: 每位申请人在申请日可申请哪一类工作许可？
# clause: 2017 classification standard: A if one A condition holds ("具备下列条件之一"), else B if
#   one B condition holds; C for other foreigners meeting the basic conditions, under quota
#   management. A higher category whose route is undetermined is listed, not assumed; with no A or
#   B route met and one undetermined, the verdict is undetermined — never a guess.
# Applicant conditions gate every route of their categories (35-basic-conditions.ru): a category
#   whose condition is not met is not granted, whatever route is met (应年满18周岁: a 17-year-old
#   with 70 points is not B); one undetermined on a given age (a relaxable limit exceeded) leaves
#   the category undetermined. A condition whose input is missing is reported, not blocking.
# Before any classification standard is in force in the city, the reason says so (the earliest
#   start of the criteria covering the city is read from the data).
# writes: tk:verdict, tk:verdictCode (a template id of data/messages.csv: verdict.*), the values the
#   sentence is filled with (tk:outcome* properties, keys by tk:valueKey) and the sentence itself in
#   English and Chinese (tk:verdictReason, tk:verdictReasonZh), generated from data/messages.csv.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH tkg:applicants {
  ?app tk:verdict ?verdict ; tk:verdictReason ?reason ; tk:verdictReasonZh ?reason_zh ; tk:verdictCode ?code ;
       tk:outcomeCategory ?vCategory ; tk:outcomeOpenCategory ?vOpenCategory ; tk:outcomeConditionNotMetCategory ?vNotMetCategory ;
       tk:outcomeConditionOpenCategory ?vOpenCondCategory ; tk:outcomeCount ?vCount ; tk:outcomeValidFrom ?vStart ;
       tk:outcomeCity ?vCity ; tk:outcomeDate ?vDate } }
WHERE {
  GRAPH tkg:applicants { ?app a tk:Applicant ; tk:applicationCity ?city ; tk:applicationDate ?date }
  OPTIONAL {
    SELECT ?app (MAX(IF(?effMet, ?r, 0)) AS ?bestMet) (MAX(IF(?effOpen && ?r > 1, ?r, 0)) AS ?bestOpen0)
           (MAX(IF(?effOpen && ?r = 1, 1, 0)) AS ?cOpen)
           (MAX(IF(?hasMet = 1 && ?gateNot = 1, ?r, 0)) AS ?blockedNot) (MAX(IF(?hasMet = 1 && ?gateOpen = 1 && ?gateNot = 0, ?r, 0)) AS ?blockedOpen) WHERE {
      {
        SELECT ?app ?c (MAX(IF(?o = "met", 1, 0)) AS ?hasMet) (MAX(IF(?o = "undetermined", 1, 0)) AS ?hasOpen) WHERE {
          GRAPH tkg:applicants { ?app tk:routeOutcome ?x . ?x tk:outcome ?o ; tk:grantsCategory ?c ; tk:outcomeRule ?rule }
          FILTER NOT EXISTS { ?rule a tk:ApplicantCondition }
        } GROUP BY ?app ?c
      }
      OPTIONAL {
        SELECT ?app ?c (MAX(IF(?go = "not_met", 1, 0)) AS ?gn) (MAX(IF(?go = "undetermined" && !?gm, 1, 0)) AS ?gu) WHERE {
          GRAPH tkg:applicants { ?app tk:conditionCheck ?k . ?k tk:outcomeRule ?cond ; tk:outcome ?go ; tk:inputMissing ?gm }
          ?cond tk:appliesToCategory ?c .
        } GROUP BY ?app ?c
      }
      ?c tk:categoryRank ?r .
      BIND(COALESCE(?gn, 0) AS ?gateNot)
      BIND(COALESCE(?gu, 0) AS ?gateOpen)
      BIND(?hasMet = 1 && ?gateNot = 0 && ?gateOpen = 0 AS ?effMet)
      BIND(?gateNot = 0 && (?hasOpen = 1 || (?hasMet = 1 && ?gateOpen = 1)) AS ?effOpen)
    } GROUP BY ?app
  }
  OPTIONAL {
    # a basic condition (one that applies to the lowest category) is not met
    SELECT ?app (1 AS ?basicNot) WHERE {
      GRAPH tkg:applicants { ?app tk:conditionCheck ?bk . ?bk tk:outcomeRule ?bcond ; tk:outcome "not_met" }
      ?bcond tk:appliesToCategory ?bcat . ?bcat tk:categoryRank 1 .
    } GROUP BY ?app
  }
  OPTIONAL {
    SELECT ?app (COUNT(?o2) AS ?nOpen) WHERE {
      GRAPH tkg:applicants { ?app tk:routeOutcome ?o2 . ?o2 tk:outcome "undetermined" ; tk:grantsCategory ?c2 }
      ?c2 tk:categoryRank ?r2 FILTER(?r2 > 1)
    } GROUP BY ?app
  }
  # no criterion in force: when do the criteria covering the city start? (step 0, 05-contexts.ru)
  OPTIONAL { GRAPH tkg:applicants { ?app tk:assessmentContext ?ctx0 . ?ctx0 tk:criteriaStartFrom ?firstStart } }
  OPTIONAL { ?city rdfs:label ?city_label FILTER(LANG(?city_label) = "en") }
  OPTIONAL { ?city rdfs:label ?city_label_zh FILTER(LANG(?city_label_zh) = "zh") }
  BIND(COALESCE(?bestOpen0, 0) AS ?bestOpenR)
  BIND(IF(?bestOpenR > 0, ?bestOpenR, ?unbound) AS ?bestOpen)
  OPTIONAL { ?vc tk:categoryRank ?vr ; skos:notation ?metCode . FILTER(?vr = ?bestMet) }
  OPTIONAL { ?oc tk:categoryRank ?orr ; skos:notation ?openCode . FILTER(?orr = ?bestOpen) }
  OPTIONAL { ?bc tk:categoryRank ?brr ; skos:notation ?blockedCode . FILTER(?brr = ?blockedOpen) }
  OPTIONAL { ?nc tk:categoryRank ?nrr ; skos:notation ?blockedNotCode . FILTER(?nrr = ?blockedNot) }
  BIND(COALESCE(?bestMet, 0) AS ?met)
  BIND(BOUND(?firstStart) && ?met = 0 && !BOUND(?bestOpen) AS ?noStandard)
  BIND(IF(?noStandard, "undetermined",
       IF(?met >= 2, ?metCode, IF(BOUND(?bestOpen), "undetermined", IF(?met = 1, ?metCode, "undetermined")))) AS ?verdict)
  BIND(COALESCE(?blockedNot, 0) > ?met AS ?higherNot)
  BIND(BOUND(?bestOpen) && ?bestOpen > ?met AS ?higherOpen)
  BIND(IF(?noStandard, "verdict.no_standard_in_force",
       IF(?met >= 2,
          IF(?higherOpen, IF(?higherNot, "verdict.met_higher_open_condition_not_met", "verdict.met_higher_open"),
                          IF(?higherNot, "verdict.met_higher_condition_not_met", "verdict.met")),
       IF(BOUND(?bestOpen), IF(COALESCE(?blockedOpen, 0) > 0, "verdict.condition_undetermined", "verdict.undetermined"),
       IF(?met = 1, "verdict.category_c",
       IF(COALESCE(?basicNot, 0) = 1,
          IF(COALESCE(?blockedNot, 0) > 1, "verdict.basic_conditions_not_met_route_met", "verdict.basic_conditions_not_met"),
       IF(COALESCE(?cOpen, 0) = 1, "verdict.basic_conditions_undetermined", "verdict.none")))))) AS ?code)
  # the values the verdict sentence is filled with (read back by queries/assess_verdict_values.rq)
  BIND(IF(?met >= 2, ?metCode, ?unbound) AS ?vCategory)
  BIND(IF(?code IN ("verdict.met_higher_open", "verdict.met_higher_open_condition_not_met"), ?openCode, ?unbound) AS ?vOpenCategory)
  BIND(IF((?met >= 2 && ?higherNot) || ?code = "verdict.basic_conditions_not_met_route_met", ?blockedNotCode, ?unbound) AS ?vNotMetCategory)
  BIND(IF(?code = "verdict.condition_undetermined", ?blockedCode, ?unbound) AS ?vOpenCondCategory)
  BIND(IF(?code = "verdict.undetermined", COALESCE(?nOpen, 0), ?unbound) AS ?vCount)
  BIND(IF(?noStandard, ?firstStart, ?unbound) AS ?vStart)
  BIND(IF(?noStandard, ?city, ?unbound) AS ?vCity)
  BIND(IF(?noStandard, ?date, ?unbound) AS ?vDate)
  #> block messages codes=verdict. code=?code out=?reason lang=en category=?vCategory open_category=?vOpenCategory condition_not_met_category=?vNotMetCategory condition_open_category=?vOpenCondCategory count=?vCount valid_from=?vStart city=?city date=?date
  # generated from data/messages.csv (codes verdict.*, en)
  BIND(IF(?code = "verdict.basic_conditions_not_met", "the basic conditions every applicant must meet are not met (see not_met): no category can be granted",
     IF(?code = "verdict.basic_conditions_not_met_route_met", CONCAT("the basic conditions every applicant must meet are not met (see not_met), although a Category ", COALESCE(?vNotMetCategory_label, STR(?vNotMetCategory)), " route is met: no category can be granted"),
     IF(?code = "verdict.basic_conditions_undetermined", "no A or B route is met and the basic conditions of Category C could not be checked (see undetermined)",
     IF(?code = "verdict.category_c", "no A or B route holds and the basic conditions are met: Category C, which is quota-managed",
     IF(?code = "verdict.condition_undetermined", CONCAT("a Category ", COALESCE(?vOpenCondCategory_label, STR(?vOpenCondCategory)), " route is met but a condition every Category ", COALESCE(?vOpenCondCategory_label, STR(?vOpenCondCategory)), " applicant must meet could not be decided (see undetermined)"),
     IF(?code = "verdict.met", CONCAT("a Category ", COALESCE(?vCategory_label, STR(?vCategory)), " route is met"),
     IF(?code = "verdict.met_higher_condition_not_met", CONCAT("a Category ", COALESCE(?vCategory_label, STR(?vCategory)), " route is met; a Category ", COALESCE(?vNotMetCategory_label, STR(?vNotMetCategory)), " route is met but a condition of Category ", COALESCE(?vNotMetCategory_label, STR(?vNotMetCategory)), " is not (see not_met)"),
     IF(?code = "verdict.met_higher_open", CONCAT("a Category ", COALESCE(?vCategory_label, STR(?vCategory)), " route is met; a Category ", COALESCE(?vOpenCategory_label, STR(?vOpenCategory)), " route is undetermined (see undetermined)"),
     IF(?code = "verdict.met_higher_open_condition_not_met", CONCAT("a Category ", COALESCE(?vCategory_label, STR(?vCategory)), " route is met; a Category ", COALESCE(?vOpenCategory_label, STR(?vOpenCategory)), " route is undetermined (see undetermined); a Category ", COALESCE(?vNotMetCategory_label, STR(?vNotMetCategory)), " route is met but a condition of Category ", COALESCE(?vNotMetCategory_label, STR(?vNotMetCategory)), " is not (see not_met)"),
     IF(?code = "verdict.no_standard_in_force", CONCAT("no classification standard was in force in ", COALESCE(?city_label, STR(?city)), " on ", COALESCE(?date_label, STR(?date)), ": the criteria in the data for it start on ", COALESCE(?vStart_label, STR(?vStart))),
     IF(?code = "verdict.none", "no route is met: not even the basic conditions of Category C",
     IF(?code = "verdict.undetermined", CONCAT("no A or B route is met and ", COALESCE(?vCount_label, STR(?vCount)), " could not be decided from the data (see undetermined)"),
     "")))))))))))) AS ?reason)
  #< block messages
  #> block messages codes=verdict. code=?code out=?reason_zh lang=zh category=?vCategory open_category=?vOpenCategory condition_not_met_category=?vNotMetCategory condition_open_category=?vOpenCondCategory count=?vCount valid_from=?vStart city=?city date=?date
  # generated from data/messages.csv (codes verdict.*, zh)
  BIND(IF(?code = "verdict.basic_conditions_not_met", STRDT("不满足申请人应当具备的基本条件（见“不满足”）：不能列入任何类别", <http://www.w3.org/2001/XMLSchema#string>),
     IF(?code = "verdict.basic_conditions_not_met_route_met", CONCAT(STRDT("不满足申请人应当具备的基本条件（见“不满足”），虽符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vNotMetCategory_label_zh, ?vNotMetCategory_label, STR(?vNotMetCategory)), STRDT("类认定条件之一，仍不能列入任何类别", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.basic_conditions_undetermined", STRDT("不符合任何A类或B类认定条件，C类基本条件无法判定（见“无法判定”）", <http://www.w3.org/2001/XMLSchema#string>),
     IF(?code = "verdict.category_c", STRDT("不符合A类、B类认定条件，符合基本条件：可列为C类（实行配额管理）", <http://www.w3.org/2001/XMLSchema#string>),
     IF(?code = "verdict.condition_undetermined", CONCAT(STRDT("符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vOpenCondCategory_label_zh, ?vOpenCondCategory_label, STR(?vOpenCondCategory)), STRDT("类认定条件之一，但", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vOpenCondCategory_label_zh, ?vOpenCondCategory_label, STR(?vOpenCondCategory)), STRDT("类申请人应当具备的条件无法判定（见“无法判定”）", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.met", CONCAT(STRDT("符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vCategory_label_zh, ?vCategory_label, STR(?vCategory)), STRDT("类认定条件之一", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.met_higher_condition_not_met", CONCAT(STRDT("符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vCategory_label_zh, ?vCategory_label, STR(?vCategory)), STRDT("类认定条件之一；虽符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vNotMetCategory_label_zh, ?vNotMetCategory_label, STR(?vNotMetCategory)), STRDT("类认定条件之一，但不满足", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vNotMetCategory_label_zh, ?vNotMetCategory_label, STR(?vNotMetCategory)), STRDT("类申请人应当具备的条件（见“不满足”）", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.met_higher_open", CONCAT(STRDT("符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vCategory_label_zh, ?vCategory_label, STR(?vCategory)), STRDT("类认定条件之一；", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vOpenCategory_label_zh, ?vOpenCategory_label, STR(?vOpenCategory)), STRDT("类认定条件无法判定（见“无法判定”）", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.met_higher_open_condition_not_met", CONCAT(STRDT("符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vCategory_label_zh, ?vCategory_label, STR(?vCategory)), STRDT("类认定条件之一；", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vOpenCategory_label_zh, ?vOpenCategory_label, STR(?vOpenCategory)), STRDT("类认定条件无法判定（见“无法判定”）；虽符合", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vNotMetCategory_label_zh, ?vNotMetCategory_label, STR(?vNotMetCategory)), STRDT("类认定条件之一，但不满足", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vNotMetCategory_label_zh, ?vNotMetCategory_label, STR(?vNotMetCategory)), STRDT("类申请人应当具备的条件（见“不满足”）", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.no_standard_in_force", CONCAT(COALESCE(?date_label_zh, ?date_label, STR(?date)), COALESCE(?city_label_zh, ?city_label, STR(?city)), STRDT("尚无有效的外国人来华工作分类标准：数据中适用于该地的认定条件自", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vStart_label_zh, ?vStart_label, STR(?vStart)), STRDT("起施行", <http://www.w3.org/2001/XMLSchema#string>)),
     IF(?code = "verdict.none", STRDT("不符合任何认定条件，亦不符合C类基本条件", <http://www.w3.org/2001/XMLSchema#string>),
     IF(?code = "verdict.undetermined", CONCAT(STRDT("不符合任何A类或B类认定条件，另有", <http://www.w3.org/2001/XMLSchema#string>), COALESCE(?vCount_label_zh, ?vCount_label, STR(?vCount)), STRDT("项无法根据现有数据判定（见“无法判定”）", <http://www.w3.org/2001/XMLSchema#string>)),
     "")))))))))))) AS ?reason_zh)
  #< block messages
}
