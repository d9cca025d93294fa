import type { ComponentChildren } from 'preact';
import { DATE_PRECISIONS, PLACE_PRECISIONS } from '../../../src/incidents/domain/incident.types.js';
import { INCIDENT_CATEGORIES } from '../../../src/incidents/domain/taxonomy.js';
import { useI18n } from '../i18n.js';
import { Input, Select, TextArea } from './form.js';

/**
 * The sections of an incident the record form and the correction form share. `prefix` is where
 * the fields sit in the request body ('' to record, 'changes.' to correct); `choose` is the empty
 * option of a required choice, which a correction, starting from the incident's values, has none of.
 */
interface SectionProps {
  prefix: string;
  choose?: string;
}

export function TitleFields({ prefix, choose }: SectionProps) {
  const i18n = useI18n();
  return (
    <fieldset class="form-section">
      <legend>{i18n.t('fieldTitle')}</legend>
      <div class="grid-2">
        <Select path={`${prefix}category`} label={i18n.t('fieldCategory')} empty={choose} options={INCIDENT_CATEGORIES.map((value) => ({ value, label: i18n.code('category', value) }))} />
        <Input path={`${prefix}title.language`} label={i18n.t('fieldLanguage')} dir="ltr" list="languages" />
      </div>
      <Input path={`${prefix}title.text`} label={i18n.t('fieldTitle')} />
      <Input path={`${prefix}translations`} label={i18n.t('fieldTitleEn')} />
      <TextArea path={`${prefix}summary.text`} label={i18n.t('fieldSummary')} />
    </fieldset>
  );
}

export function WhenFields({ prefix }: SectionProps) {
  const i18n = useI18n();
  return (
    <fieldset class="form-section">
      <legend>{i18n.t('sectionWhen')}</legend>
      <div class="grid-3">
        <Input path={`${prefix}occurred.from`} label={i18n.t('fieldOccurredFrom')} type="date" dir="ltr" />
        <Input path={`${prefix}occurred.to`} label={i18n.t('fieldOccurredTo')} type="date" dir="ltr" />
        <Select path={`${prefix}occurred.precision`} label={i18n.t('fieldPrecision')} options={DATE_PRECISIONS.map((value) => ({ value, label: i18n.code('precision', value) }))} />
      </div>
      <Input path={`${prefix}occurred.note`} label={i18n.t('fieldDateNote')} />
    </fieldset>
  );
}

/** Where: the name as reported, its precision, p-codes and coordinates; `children` go between (a region picker). */
export function PlaceFields({ prefix, choose, children }: SectionProps & { children?: ComponentChildren }) {
  const i18n = useI18n();
  const place = `${prefix}place`;
  return (
    <fieldset class="form-section">
      <legend>{i18n.t('sectionWhere')}</legend>
      <div class="grid-2">
        <Input path={`${place}.name`} label={i18n.t('fieldPlaceName')} />
        <Select path={`${place}.precision`} label={i18n.t('fieldPlacePrecision')} empty={choose} options={PLACE_PRECISIONS.map((value) => ({ value, label: i18n.code('placePrecision', value) }))} />
      </div>
      {children}
      <div class="grid-4">
        <Input path={`${place}.countryCode`} label={i18n.t('fieldCountry')} dir="ltr" />
        <Input path={`${place}.admin1`} label={i18n.t('fieldAdmin1')} dir="ltr" />
        <Input path={`${place}.admin2`} label={i18n.t('fieldAdmin2')} dir="ltr" />
        <Input path={`${place}.admin3`} label={i18n.t('fieldAdmin3')} dir="ltr" />
      </div>
      <div class="grid-2">
        <Input path={`${place}.latitude`} label={i18n.t('fieldLatitude')} dir="ltr" inputMode="decimal" />
        <Input path={`${place}.longitude`} label={i18n.t('fieldLongitude')} dir="ltr" inputMode="decimal" />
      </div>
    </fieldset>
  );
}
