/**
 * OpenAPI examples, taken from the worked example (incident 1, the assassination of Sheikh
 * Mutashar al-Hafl, reported by North Press on Saturday 8 August 2020). Arabic as written.
 */
export const EXAMPLE = {
  titleAr: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف',
  titleEn: "Assassination of Sheikh Mutashar al-Hafl and his relative Da'ar al-Khalaf",
  summaryAr:
    'اغتيال الشيخ مطشر الهفل، من وجهاء عشيرة العكيدات، وقريبه دعار الخلف في ريف دير الزور الشرقي. الفاعل مجهول.',
  summaryEn: 'Sheikh Mutashar al-Hafl of the Akidat tribe and his relative were killed; perpetrator unknown.',
  quoteAr: 'نعمل مع شركائنا لضمان محاسبة مرتكبي هذه الأعمال الإرهابية البشعة',
  quoteEn: 'We work with our partners to ensure the perpetrators of these heinous terrorist acts are held accountable.',
  occurredNote: 'Before the tribe\'s demand "last week"; publication day P inferred as Saturday 2020-08-08.',
  placeName: 'ريف دير الزور الشرقي',
  victim: 'الشيخ مطشر الهفل',
  tribe: 'عشيرة العكيدات',
  outlet: 'نورث برس',
  reporter: 'هوشنك حسن',
  publishedOn: '2020-08-08',
  incidentId: '5d1c48a4-0001-4000-8000-000000000002',
  sourceId: '5d1c48a4-0002-4000-8000-000000000001',
  actorId: '5d1c48a4-0003-4000-8000-000000000001',
  reason: 'A second report dates the killing to 31 July.',
} as const;
