/** Incident 1 of the worked example as a client posts it: no ids, Arabic as written. */
export const assassinationBody = (): any => ({
  category: 'assassination',
  title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف', language: 'ar' },
  summary: {
    text: 'اغتيال الشيخ مطشر الهفل، من وجهاء عشيرة العكيدات، وقريبه دعار الخلف في ريف دير الزور الشرقي. الفاعل مجهول.',
    language: 'ar',
  },
  translations: [{ language: 'en', title: "Assassination of Sheikh Mutashar al-Hafl and his relative Da'ar al-Khalaf" }],
  occurred: {
    from: '2020-07-26',
    to: '2020-08-01',
    precision: 'week',
    note: 'Before the tribe\'s demand "last week"; publication day P inferred as Saturday 2020-08-08.',
  },
  place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', precision: 'region' },
  actors: [
    { name: 'الشيخ مطشر الهفل', role: 'victim', affiliation: 'عشيرة العكيدات' },
    { name: 'دعار الخلف', role: 'victim', affiliation: 'عشيرة العكيدات', note: 'relative of al-Hafl' },
  ],
  fatalities: { low: 2, best: 2, high: 2 },
  sources: [
    {
      outlet: 'نورث برس',
      reporter: 'هوشنك حسن',
      publishedOn: '2020-08-08',
      language: 'ar',
      access: 'relayed',
      medium: 'web',
    },
  ],
  related: [{ incidentId: '5d1c48a4-0001-4000-8000-000000000002', relation: 'part_of' }],
  tags: ['tribal-notables'],
  notes: 'Perpetrator unknown. ACLED: Violence against civilians / Attack; CAMEO 186.',
});

/** Incident 4 of the worked example, the Coalition's statement: a first-hand source with its quote and grading, a located place. */
export const statementBody = (): any => {
  const body = assassinationBody();
  body.category = 'statement';
  body.sources[0] = {
    ...body.sources[0],
    access: 'first_hand',
    url: 'https://npasyria.com/',
    quote: { text: 'نعمل مع شركائنا لضمان محاسبة مرتكبي هذه الأعمال الإرهابية البشعة', language: 'ar' },
    quoteTranslations: [{ text: 'We work with our partners to ensure the perpetrators are held accountable.', language: 'en' }],
    reliability: 'B',
    credibility: 2,
  };
  body.place = {
    name: 'الباغوز',
    countryCode: 'SY',
    admin1: 'SY09',
    admin2: 'SY0902',
    latitude: 34.43221,
    longitude: 40.99226,
    precision: 'locality',
  };
  return body;
};

/** An incident with no known actor, count or end date. */
export const unknownsBody = (): any => {
  const body = assassinationBody();
  body.actors = [];
  delete body.fatalities;
  delete body.occurred.to;
  return body;
};
