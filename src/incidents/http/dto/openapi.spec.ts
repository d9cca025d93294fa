import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Post, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { getMetadataStorage } from 'class-validator';
import * as dtos from './index.js';

/**
 * No swagger CLI plugin runs here, so a field without @ApiProperty would be missing from the docs,
 * and a field without a validator would be refused by the whitelist. This checks the two agree.
 */

const bodies = {
  record: dtos.RecordIncidentDto,
  correct: dtos.CorrectIncidentDto,
  revise: dtos.ReviseFatalitiesDto,
  attach: dtos.AttachSourceDto,
  add: dtos.AddActorDto,
  remove: dtos.RemoveActorDto,
  identify: dtos.IdentifyActorDto,
  link: dtos.LinkIncidentDto,
  verify: dtos.VerifyIncidentDto,
  dispute: dtos.DisputeIncidentDto,
  retract: dtos.RetractIncidentDto,
};

@Controller('probe')
class ProbeController {
  @Post('record') record(@Body() _: dtos.RecordIncidentDto) {}
  @Post('correct') correct(@Body() _: dtos.CorrectIncidentDto) {}
  @Post('revise') revise(@Body() _: dtos.ReviseFatalitiesDto) {}
  @Post('attach') attach(@Body() _: dtos.AttachSourceDto) {}
  @Post('add') add(@Body() _: dtos.AddActorDto) {}
  @Post('remove') remove(@Body() _: dtos.RemoveActorDto) {}
  @Post('identify') identify(@Body() _: dtos.IdentifyActorDto) {}
  @Post('link') link(@Body() _: dtos.LinkIncidentDto) {}
  @Post('verify') verify(@Body() _: dtos.VerifyIncidentDto) {}
  @Post('dispute') dispute(@Body() _: dtos.DisputeIncidentDto) {}
  @Post('retract') retract(@Body() _: dtos.RetractIncidentDto) {}
}

let app: INestApplication;
let document: OpenAPIObject;

beforeAll(async () => {
  const module = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
  app = module.createNestApplication({ logger: false });
  await app.init();
  document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
});
afterAll(() => app?.close());

const schema = (name: string) => document.components?.schemas?.[name] as Record<string, any>;

const validatedProperties = (dto: Function) =>
  [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort();

describe('the OpenAPI description of the request bodies', () => {
  const classes = Object.entries(dtos).filter(([name]) => name.endsWith('Dto')) as [string, Function][];

  it.each(classes)('%s documents exactly the fields it validates', (name, dto) => {
    expect(schema(name)).toBeDefined();
    expect(Object.keys(schema(name).properties).sort()).toEqual(validatedProperties(dto));
  });

  it('marks what is required, with the taxonomy and the worked example', () => {
    const record = schema('RecordIncidentDto');
    expect(record.required.sort()).toEqual(['actors', 'category', 'occurred', 'place', 'sources', 'title']);
    expect(schema('IncidentCategory').enum).toContain('assassination');
    expect(JSON.stringify(record.properties.title)).toContain('#/components/schemas/LocalizedTitleDto');
    expect(schema('LocalizedTitleDto').properties.text.example).toBe('اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف');
    expect(schema('SourceDto').properties).not.toHaveProperty('id');
  });

  it('describes a body for every command endpoint', () => {
    for (const [path, dto] of Object.entries(bodies)) {
      const body = document.paths[`/probe/${path}`].post?.requestBody as Record<string, any>;
      expect(body.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${dto.name}` });
    }
  });
});
