import { Injectable } from '@nestjs/common';
import { Gazetteer } from '../gazetteer.js';
import { resolvePlace, type PlaceInput, type PlaceResolution } from './place-resolver.js';

/**
 * Place resolution for the rest of the application: the places API, and incidents naming their
 * place. Outside Nest, call resolvePlace with a Gazetteer on any pool or connection.
 */
@Injectable()
export class PlaceResolver {
  constructor(private readonly gazetteer: Gazetteer) {}

  resolve(input: PlaceInput): Promise<PlaceResolution> {
    return resolvePlace(this.gazetteer, input);
  }
}
