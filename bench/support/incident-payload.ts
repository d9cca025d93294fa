/**
 * The event every benchmark append writes, and pgbench inserts: an incident as an analyst
 * records it (shaped like the worked example's), Arabic kept as written, about 500 bytes of
 * JSON. One fixed value, so the store and pgbench move exactly the same bytes.
 */
export const INCIDENT_TYPE = 'incident.recorded';

export const INCIDENT_DATA = {
  id: '5d1c48a4-0001-4000-8000-000000000001',
  category: 'assassination',
  title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه', language: 'ar' },
  occurred: { from: '2020-07-26', to: '2020-08-01' },
  place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', precision: 'region' },
  actors: [{ name: 'الشيخ مطشر الهفل', role: 'victim', affiliation: 'عشيرة العكيدات' }],
  fatalities: { best: 2 },
  sources: [{ outlet: 'نورث برس', publishedOn: '2020-08-08', language: 'ar' }],
};

export const INCIDENT_JSON = JSON.stringify(INCIDENT_DATA);
