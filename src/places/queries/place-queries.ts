import { HttpStatus } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProblemError, problemType } from '../../common/problem.js';
import { Gazetteer, type PlaceMatch, type PlaceSearch, type PlaceView } from '../gazetteer.js';
import { PlaceResolver } from '../resolve/place-resolver.service.js';
import type { PlaceInput, PlaceResolution } from '../resolve/place-resolver.js';

export class SearchPlaces extends Query<PlaceMatch[]> {
  constructor(readonly search: PlaceSearch) {
    super();
  }
}

export class GetPlace extends Query<PlaceView> {
  constructor(readonly pcode: string) {
    super();
  }
}

export class ResolvePlace extends Query<PlaceResolution> {
  constructor(readonly input: PlaceInput) {
    super();
  }
}

export class PlaceNotFoundProblem extends ProblemError {
  constructor(pcode: string) {
    super({
      type: problemType('not-found'),
      title: 'No such place',
      status: HttpStatus.NOT_FOUND,
      detail: `No administrative unit has the p-code ${pcode}.`,
    });
  }
}

@QueryHandler(SearchPlaces)
export class SearchPlacesHandler implements IQueryHandler<SearchPlaces> {
  constructor(private readonly gazetteer: Gazetteer) {}

  execute({ search }: SearchPlaces): Promise<PlaceMatch[]> {
    return this.gazetteer.search(search);
  }
}

@QueryHandler(GetPlace)
export class GetPlaceHandler implements IQueryHandler<GetPlace> {
  constructor(private readonly gazetteer: Gazetteer) {}

  async execute({ pcode }: GetPlace): Promise<PlaceView> {
    const place = await this.gazetteer.get(pcode);
    if (!place) throw new PlaceNotFoundProblem(pcode);
    return place;
  }
}

@QueryHandler(ResolvePlace)
export class ResolvePlaceHandler implements IQueryHandler<ResolvePlace> {
  constructor(private readonly resolver: PlaceResolver) {}

  execute({ input }: ResolvePlace): Promise<PlaceResolution> {
    return this.resolver.resolve(input);
  }
}
