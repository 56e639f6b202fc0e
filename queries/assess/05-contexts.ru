# title: The in-force resolver (assessment step 0)
# question_en: For each distinct (city, date) of the applicants, what is in force there: which machine-evaluable criteria, which salary standard and thresholds (or why they are not known), which points scheme, which applicant conditions and local waivers? For each distinct move (previous city, city, date), which recognitions and document exemptions?
# question_zh: 申请人涉及的每个（城市、日期）组合中，哪些可自动判定的条件、哪项工资标准及标准线（或为何未知）、哪份积分表、哪些申请人条件和地方豁免有效？每个调动组合（原城市、城市、日期）中哪些互认和材料免交规定有效？
# clause: a rule applies where the city lies within its jurisdiction (through tk:parentJurisdiction:
#   a district inherits its city's rules, standard and benchmark) and on dates within its validity.
#   2017 standard A-III-9 "平均工资收入不低于本地区上年度社会平均工资收入6倍"; B-IV "…不低于…4倍".
# Every decision is a block of queries/blocks/ (generated in between the markers, python -m
# talentkg.blocks): the library queries (salary_threshold, criteria, recognition, document_exemptions …)
# run the same blocks, so they cannot disagree with the assessment. Working per context, not per
# applicant, keeps a batch fast. Only this step decides validity and inheritance: the later steps
# read the context (tk:applicableRule, tk:salaryEvaluation, tk:pointsSchemeInForce,
# tk:applicantConditionInForce, tk:waiverInForce; for a transfer, tk:transferContext with
# tk:recognitionInForce and tk:exemptionInForce) — tests/test_rule_blocks.py guards it.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH tkg:applicants {
  ?app tk:assessmentContext ?ctx .
  ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date .
} }
WHERE {
  GRAPH tkg:applicants { ?app a tk:Applicant ; tk:applicationCity ?city ; tk:applicationDate ?date . }
  BIND(IRI(CONCAT("https://w3id.org/talentkg/id/context/", STRAFTER(STR(?city), "jurisdiction/"), "/", STR(?date))) AS ?ctx)
};
# a transfer context per distinct (previous city, city, date): only for applicants with a previous city
INSERT { GRAPH tkg:applicants {
  ?app tk:transferContext ?tctx .
  ?tctx a tk:TransferContext ; tk:previousCity ?from_city ; tk:applicationCity ?to_city ; tk:applicationDate ?date .
} }
WHERE {
  GRAPH tkg:applicants { ?app a tk:Applicant ; tk:previousCity ?from_city ; tk:applicationCity ?to_city ; tk:applicationDate ?date . }
  BIND(IRI(CONCAT("https://w3id.org/talentkg/id/transfer-context/", STRAFTER(STR(?from_city), "jurisdiction/"), "/",
                  STRAFTER(STR(?to_city), "jurisdiction/"), "/", STR(?date))) AS ?tctx)
};
INSERT { GRAPH tkg:applicants { ?tctx tk:recognitionInForce ?rule } }
WHERE {
  GRAPH tkg:applicants { ?tctx a tk:TransferContext ; tk:previousCity ?from_city ; tk:applicationCity ?to_city ; tk:applicationDate ?date . }
  #> block recognition-in-force
  ?rule a tk:PermitRecognition ; tk:fromJurisdiction ?_fj ; tk:toJurisdiction ?_tj ; tk:crossJurisdictionOnly ?_cross .
  #> block valid-on fact=?rule as=_r
  ?rule tk:validFrom ?_r_vf .
  FILTER(!(?_r_vf > ?date))
  FILTER NOT EXISTS { ?rule tk:validUntil ?_r_vu FILTER(?date > ?_r_vu) }
  #< block valid-on
  FILTER(!?_cross || ?from_city != ?to_city)
  #> block within place=?from_city area=?_fj
  FILTER EXISTS { ?from_city tk:parentJurisdiction* ?_fj }
  #< block within
  #> block within place=?to_city area=?_tj
  FILTER EXISTS { ?to_city tk:parentJurisdiction* ?_tj }
  #< block within
  #< block recognition-in-force
};
INSERT { GRAPH tkg:applicants { ?tctx tk:exemptionInForce ?exemption } }
WHERE {
  GRAPH tkg:applicants { ?tctx a tk:TransferContext ; tk:previousCity ?from_city ; tk:applicationCity ?to_city ; tk:applicationDate ?date . }
  #> block exemption-in-force
  FILTER(?from_city != ?to_city)
  ?exemption a tk:DocumentExemption ; tk:memberJurisdiction ?_m1 , ?_m2 .
  #> block valid-on fact=?exemption as=_e
  ?exemption tk:validFrom ?_e_vf .
  FILTER(!(?_e_vf > ?date))
  FILTER NOT EXISTS { ?exemption tk:validUntil ?_e_vu FILTER(?date > ?_e_vu) }
  #< block valid-on
  #> block within place=?from_city area=?_m1
  FILTER EXISTS { ?from_city tk:parentJurisdiction* ?_m1 }
  #< block within
  #> block within place=?to_city area=?_m2
  FILTER EXISTS { ?to_city tk:parentJurisdiction* ?_m2 }
  #< block within
  FILTER(?_m1 != ?_m2 || NOT EXISTS { ?exemption tk:memberJurisdiction ?_other FILTER(?_other != ?_m1) })
  #< block exemption-in-force
};
INSERT { GRAPH tkg:applicants { ?ctx tk:applicantConditionInForce ?condition } }
WHERE {
  GRAPH tkg:applicants { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date . }
  #> block applicant-condition-in-force
  ?condition a tk:ApplicantCondition ; tk:jurisdiction ?_aj .
  #> block valid-on fact=?condition as=_a
  ?condition tk:validFrom ?_a_vf .
  FILTER(!(?_a_vf > ?date))
  FILTER NOT EXISTS { ?condition tk:validUntil ?_a_vu FILTER(?date > ?_a_vu) }
  #< block valid-on
  #> block within place=?city area=?_aj
  FILTER EXISTS { ?city tk:parentJurisdiction* ?_aj }
  #< block within
  #< block applicant-condition-in-force
};
INSERT { GRAPH tkg:applicants { ?ctx tk:waiverInForce ?waiver } }
WHERE {
  GRAPH tkg:applicants { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date . }
  #> block waiver-in-force
  ?waiver a tk:RequirementWaiver ; tk:memberJurisdiction ?_wm .
  #> block valid-on fact=?waiver as=_w
  ?waiver tk:validFrom ?_w_vf .
  FILTER(!(?_w_vf > ?date))
  FILTER NOT EXISTS { ?waiver tk:validUntil ?_w_vu FILTER(?date > ?_w_vu) }
  #< block valid-on
  #> block within place=?city area=?_wm
  FILTER EXISTS { ?city tk:parentJurisdiction* ?_wm }
  #< block within
  #< block waiver-in-force
};
INSERT { GRAPH tkg:applicants { ?ctx tk:applicableRule ?rule } }
WHERE {
  GRAPH tkg:applicants { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date . }
  #> block criteria-in-force
  ?rule a tk:EligibilityCriterion ; tk:jurisdiction ?_cj .
  #> block within place=?city area=?_cj
  FILTER EXISTS { ?city tk:parentJurisdiction* ?_cj }
  #< block within
  #> block valid-on fact=?rule as=_c
  ?rule tk:validFrom ?_c_vf .
  FILTER(!(?_c_vf > ?date))
  FILTER NOT EXISTS { ?rule tk:validUntil ?_c_vu FILTER(?date > ?_c_vu) }
  #< block valid-on
  #< block criteria-in-force
  ?rule tk:machineEvaluable true .
};
# a context with no criterion in force: the earliest start of the criteria covering its city (the
# verdict says no classification standard was in force on the date, and when one starts)
INSERT { GRAPH tkg:applicants { ?ctx tk:criteriaStartFrom ?firstStart } }
WHERE {
  SELECT ?ctx (MIN(?_cvf) AS ?firstStart) WHERE {
    GRAPH tkg:applicants { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city . FILTER NOT EXISTS { ?ctx tk:applicableRule ?_any } }
    ?_crit a tk:EligibilityCriterion ; tk:validFrom ?_cvf ; tk:jurisdiction ?_cj .
    #> block within place=?city area=?_cj
    FILTER EXISTS { ?city tk:parentJurisdiction* ?_cj }
    #< block within
  } GROUP BY ?ctx
};
INSERT { GRAPH tkg:applicants { ?ctx tk:pointsSchemeInForce ?scheme } }
WHERE {
  GRAPH tkg:applicants { ?ctx a tk:AssessmentContext ; tk:applicationDate ?date . }
  #> block points-scheme-in-force
  ?scheme a tk:PointsScheme ; tk:instrument ?_sdoc .
  #> block document-in-force document=?_sdoc as=_p
  OPTIONAL { ?_sdoc tk:effectiveFrom ?_p_ef }
  OPTIONAL { ?_sdoc dcterms:issued ?_p_is }
  BIND(COALESCE(?_p_ef, ?_p_is) AS ?effective_from)
  FILTER(BOUND(?effective_from) && !(?effective_from > ?date))
  FILTER NOT EXISTS { ?_sdoc tk:effectiveUntil ?_p_eu FILTER(?date > ?_p_eu) }
  FILTER NOT EXISTS {
    ?_p_newer dcterms:replaces ?_sdoc .
    OPTIONAL { ?_p_newer tk:effectiveFrom ?_p_nf } OPTIONAL { ?_p_newer dcterms:issued ?_p_ni }
    FILTER(!(COALESCE(?_p_nf, ?_p_ni) > ?date))
  }
  #< block document-in-force
  #< block points-scheme-in-force
};
INSERT { GRAPH tkg:applicants {
  ?ctx tk:salaryEvaluation ?ev .
  ?ev a tk:SalaryEvaluation ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:messageCode ?evCode ;
      tk:outcomeMultiple ?multiple ; tk:outcomeInclusive ?inclusive ; tk:outcomeBoundWording ?bound_wording ;
      tk:outcomeThreshold ?threshold ; tk:outcomeBase ?baseShown ; tk:outcomeStandard ?std ; tk:outcomeValidFrom ?sf ; tk:outcomeValidUntil ?su ;
      tk:outcomeArea ?area ; tk:outcomeBenchmarkRule ?brule ; tk:outcomeBenchmarkFrom ?benchmark_from ; tk:outcomeDate ?date ;
      tk:outcomeAgeMonths ?ageShown ; tk:outcomeInterval ?interval ; tk:outcomeFact ?fact ; tk:basedOn ?fact .
  ?ctx tk:salaryStandardInForce ?stdInForce .
} }
WHERE {
  GRAPH tkg:applicants { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date ; tk:applicableRule ?rule . }
  ?rule tk:salaryMultiple ?anyMultiple .
  #> block salary-standard
  OPTIONAL {
    ?brule a tk:SalaryBenchmarkRule ; tk:memberJurisdiction ?_bm ; tk:benchmarkJurisdiction ?_bj .
    #> block within place=?city area=?_bm
    FILTER EXISTS { ?city tk:parentJurisdiction* ?_bm }
    #< block within
    #> block valid-on fact=?brule as=_b
    ?brule tk:validFrom ?_b_vf .
    FILTER(!(?_b_vf > ?date))
    FILTER NOT EXISTS { ?brule tk:validUntil ?_b_vu FILTER(?date > ?_b_vu) }
    #< block valid-on
  }
  BIND(?_b_vf AS ?benchmark_from)
  OPTIONAL {
    ?city tk:parentJurisdiction* ?_lj .
    ?_ls a tk:SalaryStandard ; tk:jurisdiction ?_lj ; tk:validFrom ?_lsf .
    FILTER(!(?_lsf > ?date))
    FILTER NOT EXISTS {
      ?_lj ^tk:parentJurisdiction+ ?_lj2 . ?_lj2 ^tk:parentJurisdiction* ?city .
      ?_ls2 a tk:SalaryStandard ; tk:jurisdiction ?_lj2 ; tk:validFrom ?_lsf2 . FILTER(!(?_lsf2 > ?date))
    }
    FILTER NOT EXISTS { ?_ls3 a tk:SalaryStandard ; tk:jurisdiction ?_lj ; tk:validFrom ?_lsf3 . FILTER(?_lsf3 > ?_lsf && !(?_lsf3 > ?date)) }
  }
  BIND(COALESCE(?_bj, ?_lj, ?city) AS ?area)
  OPTIONAL {
    ?std a tk:SalaryStandard ; tk:jurisdiction ?_stdj ; tk:validFrom ?sf ; tk:monthlyAmount ?base .
    FILTER(?_stdj = ?area && !(?sf > ?date) && (!BOUND(?benchmark_from) || ?sf >= ?benchmark_from))
    FILTER NOT EXISTS { ?_s2 a tk:SalaryStandard ; tk:jurisdiction ?_stdj ; tk:validFrom ?_sf2 . FILTER(?_sf2 > ?sf && !(?_sf2 > ?date)) }
  }
  OPTIONAL { ?_s3 tk:validUntil ?su FILTER(?_s3 = ?std) }
  OPTIONAL {
    ?_nrule a tk:SalaryBenchmarkRule ; tk:memberJurisdiction ?_nm ; tk:updateIntervalMonths ?interval .
    FILTER NOT EXISTS { ?_nrule tk:benchmarkJurisdiction ?_nbj }
    #> block within place=?city area=?_nm
    FILTER EXISTS { ?city tk:parentJurisdiction* ?_nm }
    #< block within
  }
  BIND(COALESCE(?sf, ?date) AS ?_from)
  BIND((YEAR(?date) - YEAR(?_from)) * 12 + MONTH(?date) - MONTH(?_from) - IF(DAY(?date) < DAY(?_from), 1, 0) AS ?age_months)
  BIND(BOUND(?su) && ?date > ?su AS ?_ended)
  BIND(BOUND(?std) && !BOUND(?su) && BOUND(?interval) && ?age_months >= ?interval AS ?_stale)
  BIND(BOUND(?std) && !?_ended && !?_stale AS ?known)
  BIND(IF(!BOUND(?std), IF(BOUND(?brule), "salary.benchmark_figure_missing", "salary.no_standard"),
       IF(?_ended, "salary.standard_ended", IF(?_stale, "salary.stale", ""))) AS ?salary_code)
  #< block salary-standard
  #> block salary-threshold
  ?rule tk:salaryMultiple ?multiple ; tk:grantsCategory ?cat .
  OPTIONAL { ?rule tk:boundInclusive ?_ri }
  OPTIONAL { ?rule tk:boundWording ?bound_wording }
  BIND(COALESCE(?_ri, true) AS ?inclusive)
  OPTIONAL { ?thr tk:salaryStandard ?_thr_std ; tk:grantsCategory ?_thr_cat ; tk:monthlyAmount ?_published . FILTER(?_thr_std = ?std && ?_thr_cat = ?cat) }
  BIND(IF(?known, COALESCE(?_published, ?base * ?multiple), ?unbound) AS ?threshold)
  BIND(COALESCE(?thr, ?std, ?brule) AS ?fact)
  #< block salary-threshold
  BIND(IF(?known, ?base, ?unbound) AS ?baseShown)
  BIND(IF(?salary_code != "", ?salary_code, ?unbound) AS ?evCode)
  BIND(IF(BOUND(?std) && ?salary_code = "salary.stale", ?age_months, ?unbound) AS ?ageShown)
  BIND(IF(?known, ?std, ?unbound) AS ?stdInForce)
  BIND(IRI(CONCAT(STR(?ctx), "/salary/", STRAFTER(STR(?rule), "criterion/"))) AS ?ev)
}
