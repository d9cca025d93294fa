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
